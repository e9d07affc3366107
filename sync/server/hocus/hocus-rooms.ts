import type { beforeHandleMessagePayload, connectedPayload, Document, Extension, onLoadDocumentPayload } from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import { LeveldbPersistence } from 'y-leveldb';
import * as Y from 'yjs';
import { CLOSE_BAD_FRAME, CLOSE_BUSY, CLOSE_QUOTA, CLOSE_SHUTDOWN } from '../relay/relay-limits.ts';
import { roomMemory, structCount } from '../relay/room-memory.ts';
import { OK, RoomSize, type Added, type FrameVerdict, type RoomSizeLimits } from '../relay/room-size.ts';
import type { StorageLedger } from '../relay/storage-ledger.ts';
import { GatedSocket, HOCUS_SYNC, HOCUS_SYNC_REPLY } from './gated-socket.ts';

export interface HocusRoomsOptions extends RoomSizeLimits {
  /** A LevelDB directory (y-leveldb), the old relay's `docs/`; LevelDB locks it: one process per directory. */
  readonly location: string;
  /** Estimated memory of all loaded rooms together (room-memory.ts). */
  readonly maxLoadedBytes: number;
  /** Rooms and bytes the whole relay stores. */
  readonly ledger: StorageLedger;
}

interface LoadedRoom {
  readonly id: string;
  readonly document: Document;
  readonly size: RoomSize;
  dirty: boolean;
}

/** Why a frame was refused; the socket is already closed with its code. */
class RefusedFrame extends Error {}

/**
 * The relay's rooms as a Hocuspocus extension, over the same LevelDB store (y-leveldb) the
 * old relay keeps in `docs/`. A room loads from LevelDB when Hocuspocus opens its document,
 * within the memory budget; every update a client sends is checked whole before Hocuspocus
 * applies it (room-size.ts: decodes, box-shaped, quotas, relay-wide caps) and appended to
 * LevelDB as soon as the document takes it, not in a debounced store of the whole state;
 * when the document unloads its updates are merged into one record.
 */
export class HocusRooms implements Extension {
  readonly extensionName = 'obscura-rooms';
  readonly #db: LeveldbPersistence;
  readonly #o: HocusRoomsOptions;
  readonly #loaded = new Map<Document, LoadedRoom>();
  readonly #writes = new Set<Promise<unknown>>();
  #closed = false;

  constructor(options: HocusRoomsOptions) {
    this.#o = options;
    this.#db = new LeveldbPersistence(options.location);
  }

  get loadedCount(): number {
    return this.#loaded.size;
  }

  /** Estimated memory of the loaded rooms. */
  get loadedBytes(): number {
    let total = 0;
    for (const room of this.#loaded.values()) total += room.size.memoryBytes;
    return total;
  }

  /** Every room with a doc in LevelDB (to count the rooms the relay stores at start). */
  storedRoomIds(): Promise<string[]> {
    return this.#db.getAllDocNames();
  }

  async onLoadDocument({ document, documentName, context }: onLoadDocumentPayload): Promise<void> {
    const socket = socketOf(context);
    // y-leveldb logs and swallows a failed operation, resolving with null.
    const persisted = (await this.#db.getYDoc(documentName)) as Y.Doc | null;
    if (!persisted) {
      socket?.refuse(CLOSE_SHUTDOWN, 'room unavailable');
      throw new Error('LevelDB is unavailable (does another relay process use this data directory?)');
    }
    const state = Y.encodeStateAsUpdate(persisted);
    const memory = roomMemory(state.byteLength, structCount(persisted));
    persisted.destroy();
    if (this.loadedBytes + memory > this.#o.maxLoadedBytes) {
      socket?.refuse(CLOSE_BUSY, "loading this room would pass the relay's memory budget");
      throw new RefusedFrame('memory budget');
    }
    Y.applyUpdate(document, state);
    const room: LoadedRoom = { id: documentName, document, size: new RoomSize(document, this.#o), dirty: false };
    this.#loaded.set(document, room);
    // Registered after the persisted state went in, so only what clients add is stored.
    document.on('update', (update: Uint8Array) => this.#store(room, update));
    document.on('destroy', () => this.#unload(document, room));
  }

  async connected({ context, documentName }: connectedPayload): Promise<void> {
    socketOf(context)?.connected(documentName);
  }

  /** Checks a sync frame whole before Hocuspocus applies it; a refusal closes the socket. */
  async beforeHandleMessage({ connection, document, update: frame }: beforeHandleMessagePayload): Promise<void> {
    const socket = socketOf({ socket: connection.webSocket });
    // A frame that arrived before its socket was refused: never applied, and not logged again
    // (Hocuspocus logs every rejection; a promise that never settles keeps it from applying).
    if (socket?.refused) return new Promise<never>(() => undefined);
    const room = this.#loaded.get(document);
    if (!room) throw new RefusedFrame('the room is not loaded');
    const verdict = this.#check(room, frame, connection);
    if (verdict.ok) return;
    socket?.refuse(verdict.code, verdict.reason);
    throw new RefusedFrame(verdict.reason);
  }

  /** Waits for pending writes and closes LevelDB; call after every socket closed. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#writes]);
    await this.#db.destroy();
  }

  /**
   * Checks a sync frame and applies its update at once. Note: Hocuspocus runs every frame's
   * hooks a few promise turns before it applies that frame, so the hooks of frames 2..n run
   * before frame 1 is applied; checked here and applied later, each of six frames would fit
   * a quota that all six together pass. Hocuspocus's own apply that follows finds nothing new.
   */
  #check(room: LoadedRoom, frame: Uint8Array, origin: unknown): FrameVerdict {
    try {
      const decoder = decoding.createDecoder(frame);
      decoding.readVarString(decoder);
      const type = decoding.readVarUint(decoder);
      if (type !== HOCUS_SYNC && type !== HOCUS_SYNC_REPLY) return OK;
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (step === 0) {
        Y.decodeStateVector(payload);
        return OK;
      }
      const verdict = room.size.check(payload, (added) => this.#admit(room, added));
      if (verdict === 'nothing') return OK;
      if (verdict.ok) Y.applyUpdate(room.document, payload, origin);
      return verdict;
    } catch (error) {
      return { ok: false, code: CLOSE_BAD_FRAME, reason: `malformed frame: ${String(error).slice(0, 80)}` };
    }
  }

  #admit(room: LoadedRoom, added: Added): FrameVerdict {
    const { ledger, maxLoadedBytes } = this.#o;
    if (!ledger.fits(added.bytes)) return { ok: false, code: CLOSE_QUOTA, reason: 'the relay has no space left' };
    if (this.loadedBytes + roomMemory(added.bytes, added.structs) - roomMemory(0, 0) > maxLoadedBytes) {
      return { ok: false, code: CLOSE_BUSY, reason: "the relay's memory for loaded rooms is spent" };
    }
    if (!ledger.claimRoom(room.id)) return { ok: false, code: CLOSE_QUOTA, reason: 'the relay holds as many rooms as it may' };
    return OK;
  }

  #store(room: LoadedRoom, update: Uint8Array): void {
    room.size.applied(update);
    room.dirty = true;
    this.#o.ledger.addDoc(update.byteLength);
    this.#track(this.#db.storeUpdate(room.id, update));
  }

  #unload(document: Document, room: LoadedRoom): void {
    this.#loaded.delete(document);
    // A visit that wrote nothing (or a probe of a random id) leaves no record behind.
    if (!room.dirty || this.#closed) return;
    // Merge the room's stored updates into one record; y-leveldb runs its operations in
    // order, so a reload that starts now still sees every update.
    this.#track(this.#db.flushDocument(room.id).then(() => this.#o.ledger.remeasureDocs()));
  }

  #track(write: Promise<unknown>): void {
    const tracked = write
      .catch((error: unknown) => console.error(`relay: LevelDB write failed: ${String(error)}`))
      .finally(() => this.#writes.delete(tracked));
    this.#writes.add(tracked);
  }
}

/** The gate Hocuspocus's hooks see as the connection's socket (hocus-relay.ts puts it in the context). */
export function socketOf(context: unknown): GatedSocket | undefined {
  if (typeof context !== 'object' || context === null || !('socket' in context)) return undefined;
  return context.socket instanceof GatedSocket ? context.socket : undefined;
}
