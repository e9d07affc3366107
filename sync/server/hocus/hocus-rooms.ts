import type { beforeHandleMessagePayload, connectedPayload, Document, Extension, onLoadDocumentPayload } from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { CLOSE_BAD_FRAME, CLOSE_BUSY, CLOSE_QUOTA, CLOSE_SHUTDOWN } from '../relay/relay-limits.ts';
import { roomMemory, structCount } from '../relay/room-memory.ts';
import { OK, RoomSize, type Added, type FrameVerdict, type RoomSizeLimits } from '../relay/room-size.ts';
import type { StorageLedger } from '../relay/storage-ledger.ts';
import { GatedSocket, HOCUS_SYNC, HOCUS_SYNC_REPLY } from './gated-socket.ts';
import type { RoomUpdateLog } from './room-update-log.ts';

export interface HocusRoomsOptions extends RoomSizeLimits {
  /** Where updates are appended: LevelDB in `docs/` (embedded) or PostgreSQL (scale-out). */
  readonly log: RoomUpdateLog;
  /**
   * Updates applied with this transaction origin came from another node (redis-room-fan-out.ts),
   * which stored them: this node counts them but does not append them again.
   */
  readonly remoteOrigin?: unknown;
  /** Called before a room loads, so its write policy is the current one (scale-out: PostgreSQL). */
  readonly beforeLoad?: (roomId: string) => Promise<void>;
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
  /** The append of the update a client frame just applied (set by #store, awaited before the ack). */
  appending: Promise<void> | undefined;
}

/** Why a frame was refused; the socket is already closed with its code. */
class RefusedFrame extends Error {}

/**
 * The relay's rooms as a Hocuspocus extension, over a log of updates (room-update-log.ts:
 * LevelDB in `docs/` as the old relay keeps it, or PostgreSQL shared by scale-out nodes). A
 * room loads from the log when Hocuspocus opens its document, within the memory budget;
 * every update a client sends is checked whole before Hocuspocus applies it (room-size.ts:
 * decodes, box-shaped, quotas, relay-wide caps) and appended to the log as soon as the
 * document takes it, and Hocuspocus acknowledges it (sync status) only once it is stored,
 * never in a debounced store of the whole state; when the document unloads the room's
 * records are merged into one.
 */
export class HocusRooms implements Extension {
  readonly extensionName = 'obscura-rooms';
  readonly #log: RoomUpdateLog;
  readonly #o: HocusRoomsOptions;
  readonly #loaded = new Map<Document, LoadedRoom>();
  readonly #writes = new Set<Promise<unknown>>();
  /** Writes of each room still under way (a reload of the room waits for them). */
  readonly #roomWrites = new Map<string, Set<Promise<unknown>>>();
  #closed = false;

  constructor(options: HocusRoomsOptions) {
    this.#o = options;
    this.#log = options.log;
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

  /** Every room with a stored doc (to count the rooms the relay stores at start). */
  storedRoomIds(): Promise<string[]> {
    return this.#log.storedRoomIds();
  }

  async onLoadDocument({ document, documentName, context }: onLoadDocumentPayload): Promise<void> {
    const socket = socketOf(context);
    let state: Uint8Array | null;
    try {
      await this.#o.beforeLoad?.(documentName);
      // A room reloaded right after it unloaded: its last appends and compaction land first.
      await Promise.allSettled([...(this.#roomWrites.get(documentName) ?? [])]);
      state = await this.#log.load(documentName);
    } catch (error) {
      socket?.refuse(CLOSE_SHUTDOWN, 'room unavailable');
      throw error;
    }
    // Applied before the budget check: the doc is Hocuspocus's and is dropped on a refusal.
    if (state) Y.applyUpdate(document, state);
    const memory = roomMemory(state?.byteLength ?? 0, structCount(document));
    if (this.loadedBytes + memory > this.#o.maxLoadedBytes) {
      socket?.refuse(CLOSE_BUSY, "loading this room would pass the relay's memory budget");
      throw new RefusedFrame('memory budget');
    }
    const room: LoadedRoom = { id: documentName, document, size: new RoomSize(document, this.#o), dirty: false, appending: undefined };
    this.#loaded.set(document, room);
    // Registered after the persisted state went in, so only what clients add is stored.
    document.on('update', (update: Uint8Array, origin: unknown) => this.#store(room, update, origin));
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
    room.appending = undefined;
    const verdict = this.#check(room, frame, connection);
    // Set by #store while #check applied the update (TypeScript cannot see that mutation).
    const appending = room.appending as Promise<void> | undefined;
    room.appending = undefined;
    if (!verdict.ok) {
      socket?.refuse(verdict.code, verdict.reason);
      throw new RefusedFrame(verdict.reason);
    }
    // Hocuspocus acknowledges the update (sync status) when this resolves: only once it is stored.
    if (appending) {
      await appending.catch((error: unknown) => {
        console.error(`relay: storing an update failed: ${String(error)}`);
        socket?.refuse(CLOSE_BUSY, 'the update could not be stored');
        throw new RefusedFrame('storage unavailable');
      });
    }
  }

  /** Waits for pending writes and closes the log; call after every socket closed. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#writes]);
    await this.#log.close();
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

  #store(room: LoadedRoom, update: Uint8Array, origin: unknown): void {
    room.size.applied(update);
    // Another node appended it already; it reached this one for its clients.
    if (this.#o.remoteOrigin !== undefined && origin === this.#o.remoteOrigin) return;
    room.dirty = true;
    this.#o.ledger.addDoc(update.byteLength);
    const appending = this.#log.append(room.id, update);
    room.appending = appending;
    this.#track(room.id, appending);
  }

  #unload(document: Document, room: LoadedRoom): void {
    this.#loaded.delete(document);
    // A visit that wrote nothing (or a probe of a random id) leaves no record behind.
    if (!room.dirty || this.#closed) return;
    this.#track(room.id, this.#log.compact(room.id).then(() => this.#o.ledger.remeasureDocs()));
  }

  #track(roomId: string, write: Promise<unknown>): void {
    const ofRoom = this.#roomWrites.get(roomId) ?? new Set<Promise<unknown>>();
    this.#roomWrites.set(roomId, ofRoom);
    const tracked = write
      .catch((error: unknown) => console.error(`relay: storing a room failed: ${String(error)}`))
      .finally(() => {
        this.#writes.delete(tracked);
        ofRoom.delete(tracked);
        if (ofRoom.size === 0 && this.#roomWrites.get(roomId) === ofRoom) this.#roomWrites.delete(roomId);
      });
    this.#writes.add(tracked);
    ofRoom.add(tracked);
  }
}

/** The gate Hocuspocus's hooks see as the connection's socket (hocus-relay.ts puts it in the context). */
export function socketOf(context: unknown): GatedSocket | undefined {
  if (typeof context !== 'object' || context === null || !('socket' in context)) return undefined;
  return context.socket instanceof GatedSocket ? context.socket : undefined;
}
