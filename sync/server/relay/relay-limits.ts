import { MAX_BOX_STRUCTS } from '../../sealed/box-schema.ts';

/**
 * Every bound the relay enforces, in one place so RELAY.md, the CLI and the tests agree.
 * Note: box docs stay in memory while a room has clients, so the doc quotas (bytes and
 * structs) bound memory per room and `maxLoadedBytes` bounds it over all rooms; blobs
 * never enter memory whole (they stream through the hasher). Defaults: RELAY.md "Limits".
 */
export interface RelayLimits {
  /** Largest WebSocket frame; a sync step 2 of a whole box must fit (ws closes with 1009). */
  readonly maxFrameBytes: number;
  /** Bytes of Yjs state a room may hold; a frame that would exceed it closes with 4507. */
  readonly maxDocBytes: number;
  /** Yjs structs (values, including deleted ones) a room may hold; past it, 4507. */
  readonly maxDocStructs: number;
  /** Largest single blob (413). */
  readonly maxBlobBytes: number;
  /** Blob bytes a room may store (507). */
  readonly maxRoomBlobBytes: number;
  /** Rooms the relay stores (anything written: doc, blobs, policy); a new one past it: 4507 / 507. */
  readonly maxRooms: number;
  /** Bytes stored over all rooms, docs and blobs; past it: 4507 / 507. */
  readonly maxTotalBytes: number;
  /** Estimated memory of all loaded rooms (room-memory.ts); a room that would pass it: 4503. */
  readonly maxLoadedBytes: number;
  /** Open relay WebSockets over all rooms; more are refused with 503. */
  readonly maxConnections: number;
  /** Open relay WebSockets from one address (an IPv6 /64); more are refused with 429. */
  readonly maxConnectionsPerIp: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxFrameBytes: 16 * MiB,
  // A 10,000-note box measures 5.0 MB and 10,033 structs (RELAY.md "Limits").
  maxDocBytes: 16 * MiB,
  maxDocStructs: MAX_BOX_STRUCTS,
  maxBlobBytes: 32 * MiB,
  maxRoomBlobBytes: 2 * GiB,
  maxRooms: 1000,
  maxTotalBytes: 16 * GiB,
  // Four rooms at both doc quotas (~63 MiB each), or ~26 loaded boxes of 10,000 notes.
  maxLoadedBytes: 256 * MiB,
  maxConnections: 1000,
  maxConnectionsPerIp: 64,
};

/** Room ids are keyed hashes derived by the client (base64url); anything else is refused. */
export const ROOM_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function isRoomId(value: string): boolean {
  return ROOM_ID.test(value);
}

/** WebSocket close codes in the private range, so a client can tell why it was dropped. */
export const CLOSE_BAD_FRAME = 4400;
/** The room or the relay has no space left for this write (per-room or relay-wide quota). */
export const CLOSE_QUOTA = 4507;
/** The relay's memory for loaded rooms is spent: try again later. */
export const CLOSE_BUSY = 4503;
export const CLOSE_SHUTDOWN = 1001;
