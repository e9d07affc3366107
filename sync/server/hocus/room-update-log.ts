import { LeveldbPersistence } from 'y-leveldb';
import * as Y from 'yjs';

/**
 * Where the Hocuspocus relay keeps each room's box updates: appended one by one as clients
 * send them (never a debounced store of the whole state), merged when a room loads, and
 * compacted into one record after it unloads. LevelDB for the embedded node
 * (LevelDbRoomLog), PostgreSQL for scale-out nodes (pg-room-log.ts).
 */
export interface RoomUpdateLog {
  /** The room's updates merged, null when it has none; throws when the store is unavailable. */
  load(roomId: string): Promise<Uint8Array | null>;
  /** Resolves once `update` is stored: only then may the relay acknowledge it. */
  append(roomId: string, update: Uint8Array): Promise<void>;
  /** Merges the room's records into one, safely while others may append. */
  compact(roomId: string): Promise<void>;
  /** Every room with a stored update (the relay counts them at start). */
  storedRoomIds(): Promise<string[]>;
  close(): Promise<void>;
}

/** The embedded node's log: y-leveldb in `docs/`, where the y-websocket relay of earlier versions stored too (so its data directory is read as it is). */
export class LevelDbRoomLog implements RoomUpdateLog {
  readonly #db: LeveldbPersistence;

  constructor(location: string) {
    this.#db = new LeveldbPersistence(location);
  }

  async load(roomId: string): Promise<Uint8Array | null> {
    // y-leveldb logs and swallows a failed operation, resolving with null.
    const persisted = (await this.#db.getYDoc(roomId)) as Y.Doc | null;
    if (!persisted) throw new Error('LevelDB is unavailable (does another relay process use this data directory?)');
    const state = Y.encodeStateAsUpdate(persisted);
    persisted.destroy();
    return state;
  }

  async append(roomId: string, update: Uint8Array): Promise<void> {
    await this.#db.storeUpdate(roomId, update);
  }

  async compact(roomId: string): Promise<void> {
    // y-leveldb runs its operations in order, so a reload that starts now still sees every update.
    await this.#db.flushDocument(roomId);
  }

  storedRoomIds(): Promise<string[]> {
    return this.#db.getAllDocNames();
  }

  close(): Promise<void> {
    return this.#db.destroy();
  }
}
