import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

/** Where a connection stands: 'offline' once it was lost, until a retry succeeds. */
export type TransportState = 'connecting' | 'connected' | 'offline';

/** One box doc in one room, as a transport is asked to carry it. */
export interface BoxRoom {
  /** The box doc: ciphertext only. Never pass a plain doc. */
  readonly box: Y.Doc;
  /** deriveRoomId(notebookKey, notebookId): all a server ever learns about the notebook. */
  readonly roomId: string;
  /**
   * This transport's own awareness, carrying only this device's state (replicate-box.ts says
   * why each transport has its own). The connection never destroys it.
   */
  readonly awareness?: Awareness;
}

/**
 * A box doc connected to a room over one transport. What every transport promises, and
 * what tests/integration/transport-contract checks for each of them:
 * - updates made on either side reach the other, including ones made while offline;
 * - every update it applies to the box carries `origin`, and an update carrying `origin` is
 *   never sent back out (no echo; y-webrtc's peer gossip is the documented exception);
 * - a frame from the other end that cannot be read is refused and counted, never thrown
 *   out of the transport, and the connection keeps syncing (y-webrtc drops the peer that sent
 *   it, and keeps syncing with the others);
 * - destroy() leaves no timer, socket or listener behind (the box doc stays open).
 */
export interface BoxConnection {
  readonly origin: unknown;
  state(): TransportState;
  onState(listener: (state: TransportState) => void): () => void;
  /** Calls back when a sync exchange finished and when a later update came in through it. */
  onSynced(listener: () => void): () => void;
  /** Resolves at the next (or a past) finished sync exchange. */
  whenSynced(): Promise<void>;
  /** Frames from the other end that could not be read, so far. */
  badFrames(): number;
  onBadFrame(listener: (error: unknown) => void): () => void;
  destroy(): void;
}

/**
 * What the app's replication needs from the network for a box doc, in the spirit of
 * automerge-repo's NetworkAdapter: one object per way of reaching the other devices
 * (hocus-transport.ts for the relay, webrtc-box-transport.ts), each connecting any
 * number of rooms. Implementations may add what only they have to the connection type.
 */
export interface BoxTransport<Room extends BoxRoom = BoxRoom, Connection extends BoxConnection = BoxConnection> {
  /** For logs and the contract suite's titles. */
  readonly name: string;
  connect(room: Room): Connection;
}
