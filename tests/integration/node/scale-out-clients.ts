import { randomBytes } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { RoomSocket } from '../relay/room-socket.ts';
import { syncFrame } from '../relay/relay-harness.ts';

/** Hocuspocus's answer to an update it handled: type 8, then 1 (applied) or 0 (refused). */
const SYNC_STATUS = 8;

/** A box-shaped update: one sealed entry of `bytes` random bytes under `key`. */
export function entryUpdate(key: string, bytes: number): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('entries').set(key, new Uint8Array(randomBytes(bytes)));
  return Y.encodeStateAsUpdate(doc);
}

export interface LiveReader {
  readonly doc: Y.Doc;
  /** Resolves when the doc has every key of `keys`; rejects with how many are missing after `timeoutMs`. */
  hasAll(keys: readonly string[], timeoutMs: number): Promise<void>;
  close(): void;
}

/** A read-only client of `room` on one node: applies the node's sync step 2 and every update it forwards. */
export async function liveReader(relayUrl: string, room: string): Promise<LiveReader> {
  const socket = await RoomSocket.open(relayUrl, room);
  const doc = new Y.Doc();
  socket.onFrame((frame) => {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== 0) return;
    const step = decoding.readVarUint(decoder);
    if (step === 1 || step === 2) Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
  });
  socket.send(syncFrame(Y.encodeStateVector(doc), 0));
  const missing = (keys: readonly string[]) => keys.filter((key) => !doc.getMap('entries').has(key)).length;
  return {
    doc,
    hasAll(keys, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (missing(keys) > 0) return;
          clearTimeout(timer);
          doc.off('afterTransaction', check);
          resolve();
        };
        const timer = setTimeout(() => {
          doc.off('afterTransaction', check);
          reject(new Error(`${missing(keys)} of ${keys.length} keys never arrived`));
        }, timeoutMs);
        doc.on('afterTransaction', check);
        check();
      });
    },
    close: () => socket.close(),
  };
}

export interface AckedWriter {
  /** Updates the node acknowledged (Hocuspocus's sync status "applied"), in the order sent. */
  readonly ackCount: number;
  send(update: Uint8Array): void;
  /** Sends one update frame each `gapMs`; rejects if the socket closes first. */
  sendPaced(updates: readonly Uint8Array[], gapMs: number): Promise<void>;
  /** Resolves once `count` updates were acknowledged; rejects when the socket closes first. */
  acked(count: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** A client with the room's write token that counts the node's acknowledgements. */
export async function ackedWriter(relayUrl: string, room: string, token: string): Promise<AckedWriter> {
  const socket = await RoomSocket.open(relayUrl, room, { token });
  let acks = 0;
  let closed = false;
  const waiters = new Set<() => void>();
  socket.ws.on('message', (raw: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(raw));
    if (decoding.readVarString(decoder) !== room || decoding.readVarUint(decoder) !== SYNC_STATUS) return;
    if (decoding.readVarUint(decoder) === 1) acks++;
    for (const waiter of waiters) waiter();
  });
  socket.ws.on('close', () => {
    closed = true;
    for (const waiter of waiters) waiter();
  });
  const send = (update: Uint8Array) => socket.send(syncFrame(update, 2));
  return {
    get ackCount() {
      return acks;
    },
    send,
    async sendPaced(updates, gapMs) {
      for (const update of updates) {
        if (closed) throw new Error('the socket closed');
        send(update);
        await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
    },
    acked(count, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (acks < count && !closed) return;
          waiters.delete(check);
          clearTimeout(timer);
          if (acks >= count) resolve();
          else reject(new Error(`the socket closed after ${acks} of ${count} acknowledgements`));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${acks} of ${count} acknowledgements after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => socket.ws.terminate(),
  };
}
