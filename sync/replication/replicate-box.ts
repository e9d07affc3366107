import { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { createBlobLane, type BlobLane } from '../transport/blob-lane.ts';
import type { WrtcImplementation } from '../transport/chunking-wrtc.ts';
import { hocusTransport } from './hocus-transport.ts';
import type { RelayWriteSource } from './relay-write.ts';
import { webrtcBoxTransport } from './webrtc-box-transport.ts';
import type { SigningKeyPair } from '../../crypto/index.ts';
import { openPresence, sealPresence, type PresenceInfo, type PresenceSigningKeys } from './presence-seal.ts';
import { checkReplicationSettings, type ReplicationSettings } from './replication-settings.ts';

export interface ReplicateBoxOptions {
  /** The box doc: ciphertext only. Never pass a plain doc. */
  readonly box: Y.Doc;
  /** deriveRoomId(notebookKey, notebookId): all a server ever learns about the notebook. */
  readonly roomId: string;
  /** deriveRoomPassword(notebookKey, notebookId), for y-webrtc's signaling encryption. */
  readonly password: string;
  readonly settings: ReplicationSettings;
  /** Node: @roamhq/wrtc. The browser's own WebRTC by default. */
  readonly wrtc?: WrtcImplementation;
  /** Node 20 has no global WebSocket: pass `ws`'s for the relay. */
  readonly WebSocketPolyfill?: typeof WebSocket;
  /** The room's relay write keys (relay-write.ts); without them this device reads the relay but cannot write it. */
  readonly relayWrite?: RelayWriteSource;
  /** Node 20 fetch is global; tests may pass their own. */
  readonly fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /**
   * Announce this device to the others in the room, sealed under the room's presence key
   * (derive-room-id.ts) and signed by `signer`; others are shown only when `signingKeyOf` their
   * device id verifies their state (presence-seal.ts).
   */
  readonly presence?: { readonly key: Uint8Array; readonly self: PresenceInfo; readonly signer: SigningKeyPair; readonly signingKeyOf: PresenceSigningKeys };
}

export type RelayState = 'connecting' | 'connected' | 'offline';

export interface ReplicationStatus {
  /** Other devices connected peer to peer right now. */
  readonly peers: number;
  readonly relay: RelayState;
  /** When a transport last finished a sync or brought an update. */
  readonly lastSyncAt?: number;
  /** Relay frames that could not be read (garbage from a hostile or broken relay); each dropped the connection. */
  readonly badRelayFrames?: number;
}

export interface OnlineDevice extends PresenceInfo {
  /** This very client (this tab). */
  readonly self: boolean;
}

export interface Replication {
  status(): ReplicationStatus;
  onStatus(listener: (status: ReplicationStatus) => void): () => void;
  /** Devices whose sealed presence opens under the notebook key; decoded here, never on a server. */
  onlineDevices(): OnlineDevice[];
  onPresence(listener: () => void): () => void;
  /**
   * Peers are announced (y-webrtc connections exist) but none has synced: what y-webrtc's
   * glare leaves behind (PROTOCOL.md "Known y-webrtc weakness"). False without WebRTC.
   */
  webrtcStalled(): boolean;
  /** Drops every peer connection and announces again (the relay is left alone). */
  reconnectPeers(): void;
  /** The room (deriveRoomId): the relay files this notebook's blobs under it too. */
  readonly roomId: string;
  /** A token that lets a blob upload to the relay write this room now (undefined: uploads are refused). */
  relayWriteToken(): string | undefined;
  /** Resolves once the relay has the room's latest policy (after a rotation: before anyone writes under the old key there). */
  relayWriteSettled(): Promise<void>;
  /** Whether the relay stored every update this device made in the room so far, within `timeoutMs` (RelayConnection.delivered). */
  relayDelivered(timeoutMs: number): Promise<boolean>;
  /** The side lane of the same peer connections, for blob transfer (sync/blob/blob-sync.ts). */
  readonly blobLane: BlobLane;
  /** Leaves the room on every transport; the box doc stays open. */
  destroy(): void;
}

/**
 * Keeps one box doc in sync with the notebook's other devices over two box transports
 * (box-transport.ts): live over y-webrtc (webrtc-box-transport.ts) and store-and-forward
 * through the relay (hocus-transport.ts). Both only ever carry the box, so neither needs to
 * be trusted.
 * Note: each transport has its own Awareness. A relay client sends the relay every state its
 * awareness holds and y-webrtc every state its own holds, so one shared Awareness forwarded what
 * any peer announced to the relay, which closes a socket for an oversized state (and the
 * y-websocket client of earlier versions did not come back from that close): one peer could cut
 * a device off the relay for good. Now each side carries only this device's own state, and a
 * device seen on both is listed once.
 */
export function replicateBox(options: ReplicateBoxOptions): Replication {
  const settings = checkReplicationSettings(options.settings, options.roomId, options.password);
  const { box, roomId } = options;
  const blobLane = createBlobLane();
  const webrtcAwareness = settings.signalingUrls.length > 0 ? new Awareness(box) : undefined;
  const webrtc = webrtcAwareness
    ? webrtcBoxTransport({ signalingUrls: settings.signalingUrls, iceServers: settings.iceServers, ...(options.wrtc ? { wrtc: options.wrtc } : {}) }).connect({ box, roomId, password: options.password, awareness: webrtcAwareness, blobLane })
    : undefined;
  const relayAwareness = settings.relayUrl === undefined ? undefined : new Awareness(box);
  const awarenesses = [webrtcAwareness, relayAwareness].filter((a): a is Awareness => a !== undefined);
  const relay = settings.relayUrl === undefined || !relayAwareness
    ? undefined
    : hocusTransport({
        url: settings.relayUrl,
        ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }).connect({ box, roomId, awareness: relayAwareness, ...(options.relayWrite ? { relayWrite: options.relayWrite } : {}) });

  let status: ReplicationStatus = { peers: 0, relay: relay ? 'connecting' : 'offline' };
  const statusListeners = new Set<(status: ReplicationStatus) => void>();
  const presenceListeners = new Set<() => void>();
  const update = (change: Partial<ReplicationStatus>) => {
    const next = { ...status, ...change };
    if (next.peers === status.peers && next.relay === status.relay && next.lastSyncAt === status.lastSyncAt && next.badRelayFrames === status.badRelayFrames) return;
    status = next;
    for (const listener of statusListeners) listener(status);
  };
  const synced = () => update({ lastSyncAt: Date.now() });
  relay?.onState((state) => update({ relay: state }));
  relay?.onBadFrame(() => update({ badRelayFrames: relay.badFrames() }));
  relay?.onSynced(synced);
  webrtc?.onState(() => update({ peers: webrtc.peers() }));
  webrtc?.onSynced(synced);

  const presence = options.presence;
  for (const awareness of awarenesses) {
    if (presence) awareness.setLocalState(sealPresence(presence.key, roomId, awareness.clientID, presence.self, presence.signer));
  }
  const onAwareness = () => presenceListeners.forEach((listener) => listener());
  for (const awareness of awarenesses) awareness.on('change', onAwareness);

  return {
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onlineDevices() {
      if (!presence) return [];
      const byDevice = new Map<string, OnlineDevice>();
      for (const awareness of awarenesses) {
        awareness.getStates().forEach((state, clientId) => {
          const info = openPresence(presence.key, roomId, clientId, state, presence.signingKeyOf);
          const self = clientId === awareness.clientID;
          if (info && (self || !byDevice.get(info.deviceId)?.self)) byDevice.set(info.deviceId, { ...info, self });
        });
      }
      return [...byDevice.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.deviceName.localeCompare(b.deviceName));
    },
    onPresence(listener) {
      presenceListeners.add(listener);
      return () => presenceListeners.delete(listener);
    },
    webrtcStalled: () => webrtc?.stalled() ?? false,
    reconnectPeers() {
      webrtc?.reconnectPeers();
    },
    roomId,
    relayWriteToken: () => relay?.writeToken(),
    relayWriteSettled: () => relay?.writeSettled() ?? Promise.resolve(),
    relayDelivered: (timeoutMs) => relay?.delivered(timeoutMs) ?? Promise.resolve(false),
    blobLane,
    destroy() {
      for (const awareness of awarenesses) awareness.off('change', onAwareness);
      statusListeners.clear();
      presenceListeners.clear();
      // Our own state goes first, so the others see this device leave at once, not after 30 s.
      for (const awareness of awarenesses) awareness.setLocalState(null);
      relay?.destroy();
      blobLane.destroy();
      webrtc?.destroy();
      // No transport destroys an Awareness it was given: its 3 s timer would keep running (and keep Node alive).
      for (const awareness of awarenesses) awareness.destroy();
    },
  };
}
