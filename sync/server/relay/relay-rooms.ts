import { LeveldbPersistence } from 'y-leveldb';
import * as Y from 'yjs';
import { CLOSE_BUSY, CLOSE_QUOTA } from './relay-limits.ts';
import { RelayRoom, type FrameVerdict } from './relay-room.ts';
import { roomMemory, structCount } from './room-memory.ts';
import type { StorageLedger } from './storage-ledger.ts';

interface Entry {
  refs: number;
  readonly room: Promise<RelayRoom>;
}

export interface RelayRoomsOptions {
  /** A LevelDB directory (y-leveldb); LevelDB locks it, so one relay process per directory. */
  readonly location: string;
  readonly maxDocBytes: number;
  readonly maxDocStructs: number;
  /** Estimated memory of all loaded rooms together (room-memory.ts). */
  readonly maxLoadedBytes: number;
  readonly maxBufferedBytes: number;
  readonly checkBoxSchema: boolean;
  /** Rooms and bytes the whole relay stores. */
  readonly ledger: StorageLedger;
}

/** A room that cannot be loaded now because loaded rooms use the memory budget (close 4503). */
export class RelayBusyError extends Error {}

/**
 * Loads a room from LevelDB when its first client arrives and unloads it when its last
 * client leaves, so memory holds only rooms in use, and never more than `maxLoadedBytes`
 * of them: a room that would pass it is not loaded, a write that would is refused, and
 * the rooms already loaded go on. Every update is appended to LevelDB as it arrives
 * (y-leveldb), so a crash loses nothing that a client was told about.
 */
export class RelayRooms {
  readonly #db: LeveldbPersistence;
  readonly #o: RelayRoomsOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #loaded = new Set<RelayRoom>();
  readonly #writes = new Set<Promise<unknown>>();
  /** Rooms that stored updates since they were loaded. */
  readonly #dirty = new Set<string>();
  #ignoredWrites = 0;

  constructor(options: RelayRoomsOptions) {
    this.#o = options;
    this.#db = new LeveldbPersistence(options.location);
  }

  get loadedCount(): number {
    return this.#entries.size;
  }

  /** Update and awareness frames dropped because their connection may not write. */
  get ignoredWrites(): number {
    return this.#ignoredWrites;
  }

  /** Estimated memory of the loaded rooms. */
  get loadedBytes(): number {
    let total = 0;
    for (const room of this.#loaded) total += room.memoryBytes;
    return total;
  }

  /** Every room with a doc in LevelDB (to count the rooms the relay stores at start). */
  storedRoomIds(): Promise<string[]> {
    return this.#db.getAllDocNames();
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
    this.#loaded.delete(room);
    room.destroy();
    // A visit that wrote nothing (or a probe of a random id) leaves no record behind.
    if (!this.#dirty.delete(room.id)) return;
    // Merge the room's stored updates into one record so a busy room does not make the
    // next load replay thousands of small writes. y-leveldb runs its operations in order,
    // so a reload that starts now still sees every update. Then count what is left on disk.
    this.#track(this.#db.flushDocument(room.id).then(() => this.#o.ledger.remeasureDocs()));
  }

  /** Unloads every room, waits for pending writes and closes LevelDB. */
  async close(): Promise<void> {
    const rooms = await Promise.allSettled([...this.#entries.values()].map((entry) => entry.room));
    this.#entries.clear();
    this.#loaded.clear();
    for (const result of rooms) if (result.status === 'fulfilled') result.value.destroy();
    await Promise.allSettled([...this.#writes]);
    await this.#db.destroy();
  }

  async #load(id: string): Promise<RelayRoom> {
    // y-leveldb logs and swallows a failed operation, resolving with null.
    const persisted = (await this.#db.getYDoc(id)) as Y.Doc | null;
    if (!persisted) throw new Error('LevelDB is unavailable (does another relay process use this data directory?)');
    const state = Y.encodeStateAsUpdate(persisted);
    const memory = roomMemory(state.byteLength, structCount(persisted));
    persisted.destroy();
    if (this.loadedBytes + memory > this.#o.maxLoadedBytes) throw new RelayBusyError(`loading this room would pass the relay's memory budget`);
    const room = new RelayRoom({
      id,
      state,
      maxDocBytes: this.#o.maxDocBytes,
      maxDocStructs: this.#o.maxDocStructs,
      maxBufferedBytes: this.#o.maxBufferedBytes,
      checkBoxSchema: this.#o.checkBoxSchema,
      admit: this.#admit,
      ignored: () => void this.#ignoredWrites++,
      store: (update) => {
        this.#dirty.add(id);
        this.#o.ledger.addDoc(update.byteLength);
        this.#track(this.#db.storeUpdate(id, update));
      },
    });
    this.#loaded.add(room);
    return room;
  }

  readonly #admit = (room: RelayRoom, added: { readonly bytes: number; readonly structs: number }): FrameVerdict => {
    const { ledger, maxLoadedBytes } = this.#o;
    if (!ledger.fits(added.bytes)) return { ok: false, code: CLOSE_QUOTA, reason: 'the relay has no space left' };
    if (this.loadedBytes + roomMemory(added.bytes, added.structs) - roomMemory(0, 0) > maxLoadedBytes) {
      return { ok: false, code: CLOSE_BUSY, reason: "the relay's memory for loaded rooms is spent" };
    }
    if (!ledger.claimRoom(room.id)) return { ok: false, code: CLOSE_QUOTA, reason: 'the relay holds as many rooms as it may' };
    return { ok: true };
  };

  #track(write: Promise<unknown>): void {
    const tracked = write
      .catch((error: unknown) => console.error(`relay: LevelDB write failed: ${String(error)}`))
      .finally(() => this.#writes.delete(tracked));
    this.#writes.add(tracked);
  }
}
