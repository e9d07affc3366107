import { EventEmitter } from 'node:events';
import * as decoding from 'lib0/decoding';
import { copyFrame, type RawData, type WebSocket } from '../ws-node.ts';
import { awarenessClients, awarenessUpdateProblem, MAX_AWARENESS_CLIENTS } from '../relay/awareness-check.ts';
import { CLOSE_BAD_FRAME, isRoomId } from '../relay/relay-limits.ts';

/** Hocuspocus message types (@hocuspocus/server's MessageType): what a relay client may send. */
export const HOCUS_SYNC = 0;
export const HOCUS_AWARENESS = 1;
export const HOCUS_AUTH = 2;
const HOCUS_QUERY_AWARENESS = 3;
/** Sync that asks for no sync step 1 back; the provider does not send it, but it is a sync. */
export const HOCUS_SYNC_REPLY = 4;
const HOCUS_CLOSE = 7;
/**
 * Stateless (5), broadcast stateless (6) and sync status (8) are not let through: they carry
 * strings Hocuspocus forwards to every client of a room unchecked, and our clients send none.
 */
const ALLOWED = new Set([HOCUS_SYNC, HOCUS_AWARENESS, HOCUS_AUTH, HOCUS_QUERY_AWARENESS, HOCUS_SYNC_REPLY, HOCUS_CLOSE]);
/**
 * What one socket may send for a room before Hocuspocus has loaded it (Hocuspocus queues it
 * all, unbounded). Bytes bound the memory (GateOptions.maxEarlyBytes). Frames are many: the Hocuspocus provider sends every update it queued offline, one frame
 * each, as soon as the relay answers the room's authentication, which is while it loads.
 */
const MAX_EARLY_FRAMES = 4096;

export interface GateOptions {
  /** Rooms one socket may open (a device multiplexes its notebooks' rooms on one socket). */
  readonly maxRoomsPerSocket: number;
  /** A client whose unsent backlog passes this is dropped, so memory stays bounded. */
  readonly maxBufferedBytes: number;
  /** Bytes a socket may send a room before Hocuspocus has loaded it. */
  readonly maxEarlyBytes: number;
  /** The write key a token proves for a room now, or undefined (write-access.ts). */
  readonly prove: (roomId: string, token: string) => Uint8Array | undefined;
  /** Whether whoever proved `writePk` may write the room now. */
  readonly mayWrite: (roomId: string, writePk: Uint8Array | undefined) => boolean;
  /** Counts an update or awareness frame dropped because its connection may not write. */
  readonly ignored: () => void;
  readonly onFrame?: (frame: Uint8Array) => void;
}

interface RoomOnSocket {
  readonly writePk: Uint8Array | undefined;
  /** Frames and bytes let through before Hocuspocus said the room is connected. */
  early: number;
  earlyBytes: number;
  connected: boolean;
  /** Awareness client ids this socket set a state for. */
  readonly controlled: Set<number>;
}

/**
 * The socket Hocuspocus sees: the real WebSocket's frames pass through here first, and only
 * the ones the relay accepts reach Hocuspocus. What needs no room state is decided here:
 * a text frame, junk, a document name that is not a room id, a message type our clients do
 * not send, too many rooms or early frames close the socket (4400); an update or awareness
 * from a connection without the room's write capability, or an awareness state too large,
 * is dropped with the socket kept (RELAY.md "Write capability", "Limits"). What needs the
 * room (box shape, quotas, memory) is checked in hocus-rooms.ts before Hocuspocus applies.
 * Note: Hocuspocus replays its queued frames with `emit('message')`, which reaches its own
 * listener only, not this gate again.
 */
export class GatedSocket extends EventEmitter {
  readonly #ws: WebSocket;
  readonly #o: GateOptions;
  readonly #rooms = new Map<string, RoomOnSocket>();
  #refused = false;

  constructor(ws: WebSocket, options: GateOptions) {
    super();
    this.#ws = ws;
    this.#o = options;
    ws.on('message', (raw: RawData, isBinary: boolean) => this.#receive(raw, isBinary));
    ws.on('pong', () => this.emit('pong'));
    ws.on('error', () => ws.terminate());
    ws.once('close', (code: number, reason: Buffer) => this.emit('close', code, reason));
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  /** Hocuspocus sets it; frames reach it as Buffers either way. */
  set binaryType(_value: string) {}

  /** True once the relay closed this socket for a frame it refused: nothing more of it may apply. */
  get refused(): boolean {
    return this.#refused;
  }

  send(data: Uint8Array, callback?: (error?: Error) => void): void {
    if (this.#ws.bufferedAmount > this.#o.maxBufferedBytes) return void this.#ws.terminate();
    this.#ws.send(data, callback);
  }

  ping(): void {
    this.#ws.ping();
  }

  close(code?: number, reason?: string): void {
    this.#ws.close(code, reason);
  }

  /** Closes the socket for a refused frame; frames Hocuspocus still holds will not apply. */
  refuse(code: number, reason: string): void {
    if (this.#refused) return;
    this.#refused = true;
    this.#ws.close(code, reason.slice(0, 120));
  }

  /** Hocuspocus set the room up (its `connected` hook): frames no longer wait in its queue. */
  connected(roomId: string): void {
    const room = this.#rooms.get(roomId);
    if (room) room.connected = true;
  }

  #receive(raw: RawData, isBinary: boolean): void {
    if (this.#refused) return;
    if (!isBinary) return this.refuse(CLOSE_BAD_FRAME, 'text frames are not part of the protocol');
    const bytes = copyFrame(raw);
    this.#o.onFrame?.(bytes);
    let verdict: string | 'drop' | undefined;
    try {
      verdict = this.#check(bytes);
    } catch (error) {
      verdict = `malformed frame: ${String(error).slice(0, 80)}`;
    }
    if (verdict === 'drop') return;
    if (verdict !== undefined) return this.refuse(CLOSE_BAD_FRAME, verdict);
    this.emit('message', bytes);
  }

  /** undefined: let through; 'drop': dropped, socket kept; anything else: why the socket closes. */
  #check(bytes: Uint8Array): string | 'drop' | undefined {
    const decoder = decoding.createDecoder(bytes);
    const roomId = decoding.readVarString(decoder);
    if (!isRoomId(roomId)) return 'not a room id';
    const type = decoding.readVarUint(decoder);
    if (!ALLOWED.has(type)) return `message type ${type} is not accepted`;
    const room = this.#rooms.get(roomId);
    if (!room) return this.#open(roomId, type, decoder);
    if (type === HOCUS_AUTH) return 'drop';
    // The provider detached the room: a later authentication opens it afresh.
    if (type === HOCUS_CLOSE) this.#rooms.delete(roomId);
    if (!room.connected && (++room.early > MAX_EARLY_FRAMES || (room.earlyBytes += bytes.byteLength) > this.#o.maxEarlyBytes)) {
      return 'too much sent before the room is loaded';
    }
    if (type === HOCUS_SYNC || type === HOCUS_SYNC_REPLY) {
      const step = decoding.readVarUint(decoder);
      if (step === 0) return undefined;
      if (step !== 1 && step !== 2) return `unknown sync step ${step}`;
      return this.#writes(roomId, room) ? undefined : 'drop';
    }
    if (type === HOCUS_AWARENESS) {
      if (!this.#writes(roomId, room)) return 'drop';
      const update = decoding.readVarUint8Array(decoder);
      // An oversized state may be a peer's that a client forwarded: dropped, socket kept,
      // as on the old relay (RELAY.md "Limits").
      if (awarenessUpdateProblem(update)) return 'drop';
      const { set, removed } = awarenessClients(update);
      for (const id of set) room.controlled.add(id);
      for (const id of removed) room.controlled.delete(id);
      if (room.controlled.size > MAX_AWARENESS_CLIENTS) return `awareness for ${room.controlled.size} clients on one connection`;
    }
    return undefined;
  }

  /** A room's first frame must be the provider's authentication, carrying the write token (or ''). */
  #open(roomId: string, type: number, decoder: decoding.Decoder): string | undefined {
    if (type !== HOCUS_AUTH) return 'a room opens with its authentication message';
    if (this.#rooms.size >= this.#o.maxRoomsPerSocket) return `more than ${this.#o.maxRoomsPerSocket} rooms on one socket`;
    decoding.readVarUint(decoder);
    const token = decoding.readVarString(decoder);
    this.#rooms.set(roomId, { writePk: token === '' ? undefined : this.#o.prove(roomId, token), early: 0, earlyBytes: 0, connected: false, controlled: new Set() });
    return undefined;
  }

  /** Proven once, when the room opens on this socket; whether the key is still the room's, at every write. */
  #writes(roomId: string, room: RoomOnSocket): boolean {
    if (this.#o.mayWrite(roomId, room.writePk)) return true;
    this.#o.ignored();
    return false;
  }
}
