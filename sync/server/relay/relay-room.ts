import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { WebSocket } from '../ws-node.ts';
import { boxUpdateProblem } from '../../sealed/box-schema.ts';
import { CLOSE_BAD_FRAME, CLOSE_QUOTA } from './relay-limits.ts';
import { roomMemory, structCount } from './room-memory.ts';

/** y-websocket message types (its bin/utils and client speak the same numbers). */
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;

export type FrameVerdict = { readonly ok: true } | { readonly ok: false; readonly code: number; readonly reason: string };
const OK: FrameVerdict = { ok: true };

/**
 * Awareness bounds. A y-websocket client forwards every state its awareness holds (its own
 * and the peers it met over WebRTC), so a socket may speak for a room's worth of client ids,
 * not thousands; and our presence state is ~100 bytes. Without these, one socket could park
 * 16 MiB frames of fresh client ids in memory for the 30 s awareness timeout, over and over.
 */
export const MAX_AWARENESS_CLIENTS = 256;
export const MAX_AWARENESS_STATE_BYTES = 4096;
const bad = (reason: string): FrameVerdict => ({ ok: false, code: CLOSE_BAD_FRAME, reason });
const quota = (reason: string): FrameVerdict => ({ ok: false, code: CLOSE_QUOTA, reason });

export interface RelayRoomOptions {
  readonly id: string;
  /** The room's persisted state (one Yjs update), applied before any client is served. */
  readonly state: Uint8Array;
  readonly maxDocBytes: number;
  readonly maxDocStructs: number;
  /**
   * The relay-wide checks for a write that adds `bytes` and `structs` to this room (room
   * count, stored bytes, memory of loaded rooms): OK, or the verdict to refuse it with.
   */
  readonly admit: (room: RelayRoom, added: { readonly bytes: number; readonly structs: number }) => FrameVerdict;
  /** Called for every update or awareness frame dropped because its connection may not write. */
  readonly ignored: () => void;
  /** Refuse updates that are not box-shaped (sync/sealed/box-schema.ts); off only to bench a plain doc. */
  readonly checkBoxSchema: boolean;
  /** Called with every update that changed the doc, to persist it. */
  readonly store: (update: Uint8Array) => void;
  /** A client whose unsent backlog passes this is dropped, so memory stays bounded. */
  readonly maxBufferedBytes: number;
}

/**
 * One loaded room: the box doc as the y-websocket server holds it (sync step 1/2, update,
 * awareness), except that every update is fully decoded before it may touch the doc, so
 * a malformed frame or one that is not box-shaped (sync/sealed/box-schema.ts) is refused whole instead
 * of half-applied, and the room's size is capped.
 */
export class RelayRoom {
  readonly id: string;
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly #clients = new Map<WebSocket, Set<number>>();
  readonly #o: RelayRoomOptions;
  #bytes: number;
  /** #bytes when it was last set from the doc itself (see #remeasure). */
  #measuredBytes: number;
  #structs: number;

  constructor(options: RelayRoomOptions) {
    this.#o = options;
    this.id = options.id;
    Y.applyUpdate(this.doc, options.state);
    this.#bytes = Y.encodeStateAsUpdate(this.doc).byteLength;
    this.#measuredBytes = this.#bytes;
    this.#structs = structCount(this.doc);
    // The relay is not a participant: it has no presence of its own.
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      this.#bytes += update.byteLength;
      options.store(update);
      this.#broadcast(frame(MESSAGE_SYNC, (e) => syncProtocol.writeUpdate(e, update)), origin);
    });
    this.awareness.on('update', this.#onAwareness);
  }

  /** Upper bound of the stored state: the size at load plus every update since. */
  get storedBytes(): number {
    return this.#bytes;
  }

  /** Estimated memory this room holds (room-memory.ts). */
  get memoryBytes(): number {
    return roomMemory(this.#bytes, this.#structs);
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  join(ws: WebSocket): void {
    this.#clients.set(ws, new Set());
    this.#send(ws, frame(MESSAGE_SYNC, (e) => syncProtocol.writeSyncStep1(e, this.doc)));
    this.#sendAwarenessStates(ws);
  }

  leave(ws: WebSocket): void {
    const controlled = this.#clients.get(ws);
    this.#clients.delete(ws);
    if (controlled && controlled.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...controlled], null);
  }

  /**
   * Handles one binary frame from `ws`; a refused frame leaves the room untouched. A
   * connection that may not write (write-access.ts) is answered as any other, but its
   * updates and awareness are dropped, without closing it: it must still be able to read.
   */
  receive(ws: WebSocket, bytes: Uint8Array, mayWrite: boolean): FrameVerdict {
    try {
      const decoder = decoding.createDecoder(bytes);
      const type = decoding.readVarUint(decoder);
      if (type === MESSAGE_SYNC) return this.#sync(ws, decoder, mayWrite);
      if (type === MESSAGE_AWARENESS) {
        if (!mayWrite) return this.#ignore();
        // Awareness is presence only, never persisted; y-protocols validates its JSON.
        const update = decoding.readVarUint8Array(decoder);
        // An oversized state may be a peer's that a client forwarded (clients before each
        // transport had its own awareness did): drop it and keep the socket, since a close
        // would cut that client off the relay for a stranger's state (sync/server/RELAY.md).
        if (checkAwarenessUpdate(update)) return this.#ignore();
        awarenessProtocol.applyAwarenessUpdate(this.awareness, update, ws);
        const controlled = this.#clients.get(ws)?.size ?? 0;
        return controlled > MAX_AWARENESS_CLIENTS ? bad(`awareness for ${controlled} clients on one connection`) : OK;
      }
      if (type === MESSAGE_QUERY_AWARENESS) {
        this.#sendAwarenessStates(ws);
        return OK;
      }
      return bad(`unknown message type ${type}`);
    } catch (error) {
      return bad(`malformed frame: ${String(error).slice(0, 80)}`);
    }
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
    this.#clients.clear();
  }

  #ignore(): FrameVerdict {
    this.#o.ignored();
    return OK;
  }

  #sync(ws: WebSocket, decoder: decoding.Decoder, mayWrite: boolean): FrameVerdict {
    const step = decoding.readVarUint(decoder);
    if (step === syncProtocol.messageYjsSyncStep1) {
      const stateVector = decoding.readVarUint8Array(decoder);
      Y.decodeStateVector(stateVector);
      this.#send(ws, frame(MESSAGE_SYNC, (e) => syncProtocol.writeSyncStep2(e, this.doc, stateVector)));
      return OK;
    }
    if (step !== syncProtocol.messageYjsSyncStep2 && step !== syncProtocol.messageYjsUpdate) return bad(`unknown sync step ${step}`);
    if (!mayWrite) return this.#ignore();
    const update = decoding.readVarUint8Array(decoder);
    // Note: Y.applyUpdate integrates structs before it reads the delete set, so a frame
    // that is garbage at its end would be half-applied. decodeUpdate reads all of it first.
    const { structs, ds } = Y.decodeUpdate(update);
    const notABox = this.#o.checkBoxSchema ? boxUpdateProblem(this.doc, structs) : undefined;
    if (notABox) return bad(notABox);
    // Only what the room lacks counts: a client's sync step 2 often repeats what it has.
    const fresh = structs.filter((struct) => !(struct instanceof Y.Skip) && struct.id.clock + struct.length > Y.getState(this.doc.store, struct.id.client));
    // Nothing new (a new reader's empty sync step 2): nothing to store, no room to claim.
    if (fresh.length === 0 && ds.clients.size === 0) return OK;
    const added = { bytes: fresh.length === 0 ? 0 : Y.diffUpdate(update, Y.encodeStateVector(this.doc)).byteLength, structs: fresh.length };
    if (this.#structs + added.structs > this.#o.maxDocStructs) return quota(`room would hold more than ${this.#o.maxDocStructs} values`);
    if (this.#bytes + added.bytes > this.#o.maxDocBytes) this.#remeasure();
    if (this.#bytes + added.bytes > this.#o.maxDocBytes) return quota('room is over its quota');
    const admitted = this.#o.admit(this, added);
    if (!admitted.ok) return admitted;
    Y.applyUpdate(this.doc, update, ws);
    this.#structs = structCount(this.doc);
    return OK;
  }

  /**
   * #bytes counts every update since load, so a room that rewrites its snapshot grows in
   * the count though its state does not (deleted values are collected). Near the quota the
   * real size is taken from the doc, but at most once per eighth of the quota added, so a
   * client cannot make the relay re-encode a full room for every frame.
   */
  #remeasure(): void {
    if (this.#bytes - this.#measuredBytes < this.#o.maxDocBytes / 8) return;
    this.#bytes = Y.encodeStateAsUpdate(this.doc).byteLength;
    this.#measuredBytes = this.#bytes;
  }

  readonly #onAwareness = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...changes.added, ...changes.updated, ...changes.removed];
    const controlled = origin instanceof WebSocket ? this.#clients.get(origin) : undefined;
    if (controlled) {
      for (const id of [...changes.added, ...changes.updated]) controlled.add(id);
      for (const id of changes.removed) controlled.delete(id);
    }
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    this.#broadcast(frame(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, update)), undefined);
  };

  #sendAwarenessStates(ws: WebSocket): void {
    const ids = [...this.awareness.getStates().keys()];
    if (ids.length === 0) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids);
    this.#send(ws, frame(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, update)));
  }

  #broadcast(bytes: Uint8Array, except: unknown): void {
    for (const ws of this.#clients.keys()) if (ws !== except) this.#send(ws, bytes);
  }

  #send(ws: WebSocket, bytes: Uint8Array): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > this.#o.maxBufferedBytes) return void ws.terminate();
    ws.send(bytes);
  }
}

/** Why an awareness update is dropped before it is applied, or undefined. Throws on junk (caller: bad frame). */
function checkAwarenessUpdate(update: Uint8Array): string | undefined {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > MAX_AWARENESS_CLIENTS) return `awareness update for ${count} clients`;
  for (let i = 0; i < count; i++) {
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
    if (decoding.readVarString(decoder).length > MAX_AWARENESS_STATE_BYTES) return 'awareness state too large';
  }
  return undefined;
}

function frame(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}
