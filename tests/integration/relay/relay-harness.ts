import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import * as Y from 'yjs';
import { generateSigningKeyPair, newKeyId, randomNotebookKey } from '../../../crypto/index.ts';
import { createKeyring, type Keyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { relayWrite } from '../../../sync/replication/relay-write.ts';
import { keyedRelayWrite } from '../../helpers/relay-writer.ts';
import { RoomSocket, type RoomSocketOptions } from './room-socket.ts';

export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'obscura-relay-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Call after sodiumReady(): one notebook key shared by the devices of a test. */
export function notebookKeyring(): Keyring {
  const keyId = newKeyId();
  return createKeyring(new Map([[keyId, randomNotebookKey()]]), keyId);
}

export interface Device {
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly sealed: SealedDoc;
  /** The relay client: Hocuspocus's provider (it emits `status`). */
  readonly provider: { on(event: 'status', listener: (event: { status: string }) => void): void };
  destroy(): void;
}

/**
 * A device as the app will be one: a sealed doc whose box (ciphertext only) syncs through
 * the relay with the stock Hocuspocus provider: its one socket, the room opened on it once
 * the policy is registered, with a fresh write token at every (re)connect.
 */
export function connectDevice(relayUrl: string, roomId: string, keyring: Keyring): Device {
  const plain = new Y.Doc();
  const box = new Y.Doc();
  const sealed = new SealedDoc({ docId: 'nb-relay', plain, box, keyring, writer: newWriter(generateSigningKeyPair()) });
  // As the app's client does (replicate-box.ts): the room's policy first, then connect with a token.
  const write = relayWrite(relayUrl, roomId, keyedRelayWrite(keyring.current().key, roomId));
  const socket = new HocuspocusProviderWebsocket({ url: relayUrl, WebSocketPolyfill: NodeWebSocket, autoConnect: false });
  const provider = new HocuspocusProvider({ websocketProvider: socket, name: roomId, document: box, token: () => write.token() ?? '' });
  let destroyed = false;
  void write.sync().then(() => {
    if (destroyed) return;
    provider.attach();
    void socket.connect();
  });
  return {
    plain,
    box,
    sealed,
    provider,
    destroy() {
      destroyed = true;
      provider.destroy();
      socket.destroy();
      sealed.destroy();
    },
  };
}

/**
 * ws as the provider's WebSocket. Note: the provider removes its listeners before it closes a
 * socket; ws reports closing a socket that is still connecting as an 'error' event, which
 * with no listener left would throw (a browser's WebSocket just closes).
 */
class NodeWebSocket extends WebSocket {
  constructor(url: string | URL) {
    super(url);
    this.on('error', () => undefined);
  }
}

/** Resolves when `check` holds, re-checking after every update of `doc` (no polling). */
export function until(doc: Y.Doc, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const onUpdate = () => {
      if (!check()) return;
      doc.off('afterTransaction', onUpdate);
      resolve();
    };
    doc.on('afterTransaction', onUpdate);
  });
}

/** Resolves with the close code and reason the server sent. */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

export function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

/** Paths of every file under `dir` whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  const found: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) return readdirSync(path).forEach((name) => walk(join(path, name)));
    if (readFileSync(path).includes(bytes)) found.push(path);
  };
  walk(dir);
  return found;
}

export function totalBytes(dir: string): number {
  if (!statSync(dir).isDirectory()) return statSync(dir).size;
  return readdirSync(dir).reduce((sum, name) => sum + totalBytes(join(dir, name)), 0);
}

/**
 * The HTTP status a WebSocket upgrade was refused with, or 0 with the open socket.
 * `origin` is sent as a browser sends it; `localAddress` connects from another loopback
 * address (127.0.0.2), i.e. as another IP.
 */
export function upgradeStatus(url: string, options: { origin?: string; localAddress?: string } = {}): Promise<{ status: number; ws: WebSocket }> {
  const ws = new WebSocket(url, { ...(options.origin ? { origin: options.origin } : {}), ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
  ws.on('error', () => undefined);
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ status: 0, ws }));
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      resolve({ status: res.statusCode ?? 0, ws });
    });
  });
}

/** A y-protocols sync frame (type 0): `step` 0 = state vector, 1 = sync step 2, 2 = update. */
export function syncFrame(payload: Uint8Array, step = 2): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** What the relay holds for `room`, as it answers a sync step 1 from an empty doc. */
export async function roomState(relayUrl: string, room: string, options: Pick<RoomSocketOptions, 'origin'> = {}): Promise<Y.Doc> {
  const socket = await RoomSocket.open(relayUrl, room, options);
  const step2 = new Promise<Uint8Array>((resolve) => {
    socket.onFrame((frame) => {
      const decoder = decoding.createDecoder(frame);
      if (decoding.readVarUint(decoder) === 0 && decoding.readVarUint(decoder) === 1) resolve(decoding.readVarUint8Array(decoder));
    });
  });
  socket.send(syncFrame(Y.encodeStateVector(new Y.Doc()), 0));
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await step2);
  socket.close();
  return doc;
}

/**
 * Sends `frames` on a fresh socket for `room` and reports how the relay took them: `closed
 * <code>`, or `kept open` once the relay has answered a sync step 1 sent after them (it
 * handles a socket's frames in order, so by then it has handled them all and kept the socket).
 */
export async function sendFrames(relayUrl: string, room: string, frames: readonly (Uint8Array | string)[], options: { token?: string | undefined; timeoutMs?: number } = {}): Promise<string> {
  const socket = await RoomSocket.open(relayUrl, room, options.token === undefined ? {} : { token: options.token });
  const outcome = await sendOn(socket, frames, options.timeoutMs);
  socket.ws.terminate();
  return outcome;
}

/** Sends `frames` on an open room socket; resolves as sendFrames does. */
export function sendOn(socket: RoomSocket, frames: readonly (Uint8Array | string)[], timeoutMs = 10_000): Promise<string> {
  return new Promise<string>((resolve) => {
    socket.ws.once('close', (code) => resolve(`closed ${code}`));
    socket.ws.once('error', (error) => resolve(`error ${String(error)}`));
    // Sync step 2 (type 0, step 1): the answer to our step 1.
    const stop = socket.onFrame((frame) => {
      if (frame[0] !== 0 || frame[1] !== 1) return;
      stop();
      resolve('kept open');
    });
    for (const frame of frames) socket.send(frame);
    socket.send(syncFrame(Y.encodeStateVector(new Y.Doc()), 0));
    setTimeout(() => resolve('no answer'), timeoutMs);
  });
}
