import { LeveldbPersistence } from 'y-leveldb';
import * as Y from 'yjs';
import { RelayRoom } from './relay-room.ts';

interface Entry {
  refs: number;
  readonly room: Promise<RelayRoom>;
}

export interface RelayRoomsOptions {
  /** A LevelDB directory (y-leveldb); LevelDB locks it, so one relay process per directory. */
  readonly location: string;
  readonly maxDocBytes: number;
  readonly maxBufferedBytes: number;
  readonly checkBoxSchema: boolean;
}

/**
 * Loads a room from LevelDB when its first client arrives and unloads it when its last
 * client leaves, so memory holds only rooms in use. Every update is appended to LevelDB
 * as it arrives (y-leveldb), so a crash loses nothing that a client was told about.
 */
export class RelayRooms {
  readonly #db: LeveldbPersistence;
  readonly #o: RelayRoomsOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #writes = new Set<Promise<unknown>>();
  /** Rooms that stored updates since they were loaded. */
  readonly #dirty = new Set<string>();

  constructor(options: RelayRoomsOptions) {
    this.#o = options;
    this.#db = new LeveldbPersistence(options.location);
  }

  get loadedCount(): number {
    return this.#entries.size;
  }

  /** The room, loaded if needed; every acquire needs one release. */
  acquire(id: string): Promise<RelayRoom> {
    const existing = this.#entries.get(id);
    if (existing) {
      existing.refs++;
      return existing.room;
    }
    const entry: Entry = { refs: 1, room: this.#load(id) };
    this.#entries.set(id, entry);
    entry.room.catch(() => {
      if (this.#entries.get(id) === entry) this.#entries.delete(id);
    });
    return entry.room;
  }

  release(room: RelayRoom): void {
    const entry = this.#entries.get(room.id);
    if (!entry || --entry.refs > 0) return;
    this.#entries.delete(room.id);
    room.destroy();
    // A visit that wrote nothing (or a probe of a random id) leaves no record behind.
    if (!this.#dirty.delete(room.id)) return;
    // Merge the room's stored updates into one record so a busy room does not make the
    // next load replay thousands of small writes. y-leveldb runs its operations in order,
    // so a reload that starts now still sees every update.
    this.#track(this.#db.flushDocument(room.id));
  }

  /** Unloads every room, waits for pending writes and closes LevelDB. */
  async close(): Promise<void> {
    const rooms = await Promise.allSettled([...this.#entries.values()].map((entry) => entry.room));
    this.#entries.clear();
    for (const result of rooms) if (result.status === 'fulfilled') result.value.destroy();
    await Promise.allSettled([...this.#writes]);
    await this.#db.destroy();
  }

  async #load(id: string): Promise<RelayRoom> {
    // y-leveldb logs and swallows a failed operation, resolving with null.
    const persisted = (await this.#db.getYDoc(id)) as Y.Doc | null;
    if (!persisted) throw new Error('LevelDB is unavailable (does another relay process use this data directory?)');
    const state = Y.encodeStateAsUpdate(persisted);
    persisted.destroy();
    return new RelayRoom({
      id,
      state,
      maxDocBytes: this.#o.maxDocBytes,
      maxBufferedBytes: this.#o.maxBufferedBytes,
      checkBoxSchema: this.#o.checkBoxSchema,
      store: (update) => {
        this.#dirty.add(id);
        this.#track(this.#db.storeUpdate(id, update));
      },
    });
  }

  #track(write: Promise<unknown>): void {
    const tracked = write
      .catch((error: unknown) => console.error(`relay: LevelDB write failed: ${String(error)}`))
      .finally(() => this.#writes.delete(tracked));
    this.#writes.add(tracked);
  }
}
