import type { SyncErrorCode } from '../error-codes.ts';
import type { LaneChannel } from './chunking-options.ts';

/** One connected peer as the side lane sees it. */
export interface LanePeer {
  /** Unique within this lane for as long as it lives; never reused. */
  readonly id: number;
  /** Queues a message to this peer; false once the channel is closed or the lane dropped. */
  send(message: Uint8Array): boolean;
  /**
   * Resolves true when the channel to this peer has room for the next message (what it holds
   * to send is down to 256 KiB, ChunkedDataChannel.whenDrained), false once the channel
   * closed or the lane dropped.
   */
  drained(): Promise<boolean>;
  /**
   * Stops using the lane with this peer (a bad lane message): its lane messages are ignored
   * from now on and it leaves `peers()`. The data channel, and y-webrtc's sync over it, stay.
   */
  drop(code: SyncErrorCode, message: string): void;
}

export interface LaneDrop {
  readonly peer: number;
  readonly code: SyncErrorCode;
  readonly message: string;
}

/**
 * The side lane of every chunked data channel of one replication (FRAME_LANE_* in
 * chunk-frames.ts): blob transfer rides the connections y-webrtc already has. Pass
 * `attach` as ChunkingOptions.onLaneChannel.
 */
export interface BlobLane {
  readonly attach: (channel: LaneChannel) => void;
  /** Peers whose channel is open and whose lane was not dropped, oldest first. */
  peers(): readonly LanePeer[];
  /** Called when a peer comes or goes. */
  onPeers(listener: () => void): () => void;
  onMessage(listener: (peer: LanePeer, message: Uint8Array) => void): () => void;
  /** Every lane dropped so far, with its code (for logs and tests). */
  readonly drops: readonly LaneDrop[];
  destroy(): void;
}

export function createBlobLane(): BlobLane {
  let nextId = 1;
  const open = new Map<number, LanePeer>();
  const peerListeners = new Set<() => void>();
  const messageListeners = new Set<(peer: LanePeer, message: Uint8Array) => void>();
  const drops: LaneDrop[] = [];
  let destroyed = false;
  const changed = () => peerListeners.forEach((listener) => safely(listener));

  const attach = (channel: LaneChannel) => {
    if (destroyed) return;
    const id = nextId++;
    let dropped = false;
    const peer: LanePeer = {
      id,
      send: (message) => !dropped && channel.sendLane(message),
      drained: async () => !dropped && (await channel.whenDrained()) && !dropped,
      drop(code, message) {
        if (dropped) return;
        dropped = true;
        drops.push({ peer: id, code, message });
        channel.setLaneReceiver(null);
        if (open.delete(id)) changed();
      },
    };
    const up = () => {
      if (dropped || destroyed || open.has(id)) return;
      open.set(id, peer);
      changed();
    };
    channel.setLaneReceiver((message) => {
      if (dropped || destroyed) return;
      // A message may arrive before our 'open' listener ran (the other end opened first).
      up();
      messageListeners.forEach((listener) => safely(() => listener(peer, message)));
    });
    channel.addEventListener('open', up);
    channel.addEventListener('close', () => {
      dropped = true;
      if (open.delete(id)) changed();
    });
    if (channel.readyState === 'open') up();
  };

  return {
    attach,
    peers: () => [...open.values()],
    onPeers(listener) {
      peerListeners.add(listener);
      return () => peerListeners.delete(listener);
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    drops,
    destroy() {
      destroyed = true;
      open.clear();
      peerListeners.clear();
      messageListeners.clear();
    },
  };
}

/** A listener's bug must not stop the others, nor reach the data channel. */
function safely(run: () => void): void {
  try {
    run();
  } catch (error) {
    console.error('blob lane listener failed', error);
  }
}
