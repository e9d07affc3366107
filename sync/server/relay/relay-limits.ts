/**
 * Every bound the relay enforces, in one place so RELAY.md, the CLI and the tests agree.
 * Note: box docs stay in memory while a room has clients, so the doc quota is what
 * bounds memory per room; blobs never enter memory whole (they stream through the hasher).
 */
export interface RelayLimits {
  /** Largest WebSocket frame; a sync step 2 of a whole box must fit (ws closes with 1009). */
  readonly maxFrameBytes: number;
  /** Bytes of Yjs state a room may hold; a frame that would exceed it closes with 4507. */
  readonly maxDocBytes: number;
  /** Largest single blob (413). */
  readonly maxBlobBytes: number;
  /** Blob bytes a room may store (507). */
  readonly maxRoomBlobBytes: number;
  /** Open relay WebSockets over all rooms; more are refused with 503. */
  readonly maxConnections: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxFrameBytes: 16 * 1024 * 1024,
  maxDocBytes: 64 * 1024 * 1024,
  maxBlobBytes: 32 * 1024 * 1024,
  maxRoomBlobBytes: 2 * 1024 * 1024 * 1024,
  maxConnections: 1000,
};

/** Room ids are keyed hashes derived by the client (base64url); anything else is refused. */
export const ROOM_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function isRoomId(value: string): boolean {
  return ROOM_ID.test(value);
}

/** WebSocket close codes in the private range, so a client can tell why it was dropped. */
export const CLOSE_BAD_FRAME = 4400;
export const CLOSE_QUOTA = 4507;
export const CLOSE_SHUTDOWN = 1001;
