import { WebrtcProvider } from 'y-webrtc';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { browserWrtc, chunkingWrtc, type WrtcImplementation } from './chunking-wrtc.ts';
import type { ChunkingOptions } from './chunking-options.ts';
import { DERIVED_ROOM_ID } from './derive-room-id.ts';
import { confineSignaling, roomSignalingUrls } from './room-signaling.ts';

export interface WebrtcSyncOptions {
  /** The box doc: ciphertext only. Never pass a plain doc. */
  readonly box: Y.Doc;
  /** From deriveRoomId: what the signaling server sees. */
  readonly roomId: string;
  /** From deriveRoomPassword: encrypts signaling and BroadcastChannel traffic. */
  readonly password: string;
  /** Our own signaling servers (`ws://host/signal`); at least one. */
  readonly signalingUrls: readonly string[];
  /** From settings; `[]` means host candidates only. Never the public defaults. */
  readonly iceServers: readonly RTCIceServer[];
  /** Node: @roamhq/wrtc. The browser's own WebRTC by default. */
  readonly wrtc?: WrtcImplementation;
  readonly chunking?: ChunkingOptions;
  /** The room's awareness (y-webrtc makes one when none is given). */
  readonly awareness?: Awareness;
  /** Peer connections at once, offers made to us included (default 16). */
  readonly maxPeers?: number;
  /** A peer connection not up by then is closed (default 30 s). */
  readonly connectDeadlineMs?: number;
}

/**
 * Peer connections per room, whoever started them. A notebook's devices are a handful; the
 * bound is what a holder of the room password (a removed member, an old link) can make us
 * hold, each connection with its own ICE agent, DTLS and SCTP state.
 */
export const DEFAULT_MAX_PEERS = 16;
/**
 * Note: a signal from a peer id y-webrtc does not know makes a connection that waits for an
 * offer, and an offer whose sender vanishes makes one that never connects; neither ever
 * ended. They are closed after this, so made-up peer ids cannot keep the slots.
 */
export const PEER_CONNECT_DEADLINE_MS = 30_000;

export interface WebrtcSync {
  readonly provider: WebrtcProvider;
  /** Drops every peer connection and announces again (on this room's own signaling connections). */
  reconnect(): void;
  /** Leaves the room and closes every peer connection; the box doc stays open. */
  destroy(): void;
}

/** Settings that would make y-webrtc leak to public servers or join the wrong room. */
export class WebrtcConfigError extends Error {
  readonly code = 'E_WEBRTC_CONFIG';
}

/**
 * Live peer-to-peer sync of one box doc over y-webrtc, with every data channel chunked
 * (`chunked-data-channel.ts`) so a box of any size reaches a new device.
 * Note: y-webrtc falls back to public signaling servers when given none, and simple-peer
 * to public STUN servers when given no ICE config; both are set explicitly here, always.
 * y-webrtc also syncs tabs of one browser over BroadcastChannel (no size limit, encrypted
 * with `password`); that path does not go through the chunking and does not need it.
 * Each room signals over its own connections (room-signaling.ts).
 */
export function connectWebrtc(options: WebrtcSyncOptions): WebrtcSync {
  const signaling = roomSignalingUrls(checkSignalingUrls(options.signalingUrls));
  if (!DERIVED_ROOM_ID.test(options.roomId)) throw new WebrtcConfigError('room id must come from deriveRoomId');
  if (options.password.length < 16) throw new WebrtcConfigError('room password must come from deriveRoomPassword');
  if (!Array.isArray(options.iceServers)) throw new WebrtcConfigError('iceServers must be a list (empty for host candidates only)');
  const wrtc = options.wrtc ?? browserWrtc();
  if (!wrtc) throw new WebrtcConfigError('no WebRTC here: pass @roamhq/wrtc as `wrtc` outside a browser');
  const maxPeers = options.maxPeers ?? DEFAULT_MAX_PEERS;
  const provider = new WebrtcProvider(options.roomId, options.box, {
    signaling,
    password: options.password,
    ...(options.awareness ? { awareness: options.awareness } : {}),
    maxConns: maxPeers,
    peerOpts: {
      wrtc: chunkingWrtc(wrtc, options.chunking, maxPeers),
      config: { iceServers: options.iceServers.map((server) => ({ ...server })) },
    },
  });
  confineSignaling(provider.signalingConns, options.roomId);
  const stopSweep = closeUnconnected(provider, options.connectDeadlineMs ?? PEER_CONNECT_DEADLINE_MS);
  return {
    provider,
    reconnect: () => {
      provider.disconnect();
      provider.connect();
      confineSignaling(provider.signalingConns, options.roomId);
    },
    destroy: () => {
      // Note: provider.destroy() alone leaves the provider registered with its signaling
      // connections, whose WebSockets then stay open and reconnect forever; disconnect first.
      stopSweep();
      provider.disconnect();
      provider.destroy();
    },
  };
}

/** Closes y-webrtc's connections that are not up `deadlineMs` after they were first seen. */
function closeUnconnected(provider: WebrtcProvider, deadlineMs: number): () => void {
  const firstSeen = new WeakMap<object, number>();
  const timer = setInterval(() => {
    const now = performance.now();
    for (const conn of provider.room?.webrtcConns.values() ?? []) {
      if (conn.connected) continue;
      const since = firstSeen.get(conn) ?? now;
      firstSeen.set(conn, since);
      // y-webrtc then forgets it and announces again, as after any closed connection.
      if (now - since >= deadlineMs) conn.destroy();
    }
  }, Math.min(5_000, Math.max(10, deadlineMs / 2)));
  return () => clearInterval(timer);
}

function checkSignalingUrls(urls: readonly string[]): string[] {
  if (urls.length === 0) throw new WebrtcConfigError('at least one signaling URL is required (y-webrtc would use public ones)');
  return urls.map((url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new WebrtcConfigError(`signaling URL ${JSON.stringify(url)} is not a URL`);
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new WebrtcConfigError(`signaling URL ${JSON.stringify(url)} must be ws: or wss:`);
    }
    return parsed.toString();
  });
}
