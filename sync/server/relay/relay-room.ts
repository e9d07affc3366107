import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { WebSocket } from '../ws-node.ts';
import { awarenessUpdateProblem, MAX_AWARENESS_CLIENTS } from './awareness-check.ts';
import { bad, OK, RoomSize, type Added, type FrameVerdict } from './room-size.ts';

/** y-websocket message types (its bin/utils and client speak the same numbers). */
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;

export type { FrameVerdict } from './room-size.ts';

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
  readonly admit: (room: RelayRoom, added: Added) => FrameVerdict;
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
  readonly #size: RoomSize;

  constructor(options: RelayRoomOptions) {
    this.#o = options;
    this.id = options.id;
    Y.applyUpdate(this.doc, options.state);
    this.#size = new RoomSize(this.doc, options);
    // The relay is not a participant: it has no presence of its own.
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      this.#size.applied(update);
      options.store(update);
      this.#broadcast(frame(MESSAGE_SYNC, (e) => syncProtocol.writeUpdate(e, update)), origin);
    });
    this.awareness.on('update', this.#onAwareness);
  }

  /** Upper bound of the stored state: the size at load plus every update since. */
  get storedBytes(): number {
    return this.#size.bytes;
  }

  /** Estimated memory this room holds (room-memory.ts). */
  get memoryBytes(): number {
    return this.#size.memoryBytes;
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
        if (awarenessUpdateProblem(update)) return this.#ignore();
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
    const verdict = this.#size.check(update, (added) => this.#o.admit(this, added));
    if (verdict === 'nothing' || !verdict.ok) return verdict === 'nothing' ? OK : verdict;
    Y.applyUpdate(this.doc, update, ws);
    return OK;
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

function frame(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}
