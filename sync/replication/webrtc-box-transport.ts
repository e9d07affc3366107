import type { BlobLane } from '../transport/blob-lane.ts';
import { browserWrtc, type WrtcImplementation } from '../transport/chunking-wrtc.ts';
import { connectWebrtc } from '../transport/webrtc-transport.ts';
import type { BoxConnection, BoxRoom, BoxTransport } from './box-transport.ts';
import { ConnectionEvents } from './connection-events.ts';
import { peerMessageProblem } from './peer-message-check.ts';
import { ReplicationConfigError } from './replication-settings.ts';

export interface WebrtcBoxTransportOptions {
  /** Our signaling servers (`ws://HOST/signal`); at least one. */
  readonly signalingUrls: readonly string[];
  /** `[]` means host candidates only. */
  readonly iceServers: readonly RTCIceServer[];
  /** Node: @roamhq/wrtc. The browser's own WebRTC by default. */
  readonly wrtc?: WrtcImplementation;
}

export interface WebrtcRoom extends BoxRoom {
  /** deriveRoomPassword(notebookKey, notebookId), for y-webrtc's signaling encryption. */
  readonly password: string;
  /** Receives the peer connections' side lanes for blob transfer (sync/blob/blob-sync.ts). */
  readonly blobLane?: BlobLane;
}

export interface WebrtcConnection extends BoxConnection {
  /** Other devices connected peer to peer right now. */
  peers(): number;
  /** Peers are announced but none has synced: y-webrtc's glare (PROTOCOL.md "Known y-webrtc weakness"). */
  stalled(): boolean;
  /** Drops every peer connection and announces again. */
  reconnectPeers(): void;
}

/**
 * Live peer-to-peer sync over y-webrtc (sync/transport/webrtc-transport.ts), every message
 * from a peer checked before y-webrtc applies it (peer-message-check.ts). The connection is
 * 'connected' while at least one peer is.
 * Note: y-webrtc passes every update a peer sent on to all its peers, so that devices not
 * connected to each other directly still hear it; that gossip is the one echo the box
 * transport contract allows (box-transport.ts).
 */
export function webrtcBoxTransport(options: WebrtcBoxTransportOptions): BoxTransport<WebrtcRoom, WebrtcConnection> {
  const wrtc = options.wrtc ?? browserWrtc();
  if (!wrtc) throw new ReplicationConfigError('E_REPLICATION_NO_WEBRTC', 'no WebRTC here: pass @roamhq/wrtc as `wrtc` outside a browser');
  return {
    name: 'WebRTC (y-webrtc)',
    connect(room) {
      const events = new ConnectionEvents('connecting');
      const webrtc = connectWebrtc({
        box: room.box,
        roomId: room.roomId,
        password: room.password,
        signalingUrls: options.signalingUrls,
        iceServers: options.iceServers,
        wrtc,
        ...(room.awareness ? { awareness: room.awareness } : {}),
        chunking: {
          ...(room.blobLane ? { onLaneChannel: room.blobLane.attach } : {}),
          refuse: (message) => {
            const problem = peerMessageProblem(room.box, message);
            if (problem !== undefined) events.badFrame(new Error(problem));
            return problem;
          },
        },
      });
      const { provider } = webrtc;
      let peers = 0;
      provider.on('peers', ({ webrtcPeers }) => {
        peers = webrtcPeers.length;
        events.setState(peers > 0 ? 'connected' : 'connecting');
      });
      provider.on('synced', ({ synced }) => void (synced && events.synced()));
      const origin = provider.room;
      const onBoxUpdate = (_update: Uint8Array, from: unknown) => void (origin !== null && from === origin && events.synced());
      room.box.on('update', onBoxUpdate);
      return {
        ...events.api(),
        origin,
        peers: () => peers,
        stalled() {
          const conns = [...(provider.room?.webrtcConns.values() ?? [])];
          return conns.length > 0 && !conns.some((conn) => conn.synced);
        },
        reconnectPeers: () => webrtc.reconnect(),
        destroy() {
          room.box.off('update', onBoxUpdate);
          events.clear();
          webrtc.destroy();
          // y-webrtc does not destroy an Awareness it made: its timer would keep running (and keep Node alive).
          if (!room.awareness) provider.awareness.destroy();
        },
      };
    },
  };
}
