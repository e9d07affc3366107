/**
 * The relay catch-up workload: a notebook of N notes built once as a plain Y.Doc and once
 * sealed (the same updates, so the same notes), each uploaded to the real relay in its own
 * room; then a new device with an empty doc connects and is timed until every note is
 * readable, counting the bytes its WebSocket sends and receives.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';
import { generateSigningKeyPair, newKeyId, randomNotebookKey, sodiumReady, type SigningKeyPair } from '../../../crypto/index.ts';
import { createNote, notesMap, setNoteText } from '../../../sync/notebook/notes.ts';
import { createKeyring, type Keyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { WebSocket, type RawData } from '../../../sync/server/ws-node.ts';
import { seededRandom } from '../../helpers/seeded-random.ts';
import { until } from '../../integration/relay/relay-harness.ts';

const WORDS = 'cat receipt whiteboard roadmap coffee cup motorcycle invoice garden meeting train ticket beach sunset museum'.split(' ');

export interface Notebooks {
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly keyring: Keyring;
  readonly signer: SigningKeyPair;
  readonly buildMs: number;
}

export interface CatchUp {
  readonly ms: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** N notes typed as a person would (title, body in bursts), each sealed as it is finished. */
export async function buildNotebooks(count: number, keyring?: Keyring): Promise<Notebooks> {
  await sodiumReady();
  const random = seededRandom(42);
  const sentence = (words: number) => Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  const keyId = newKeyId();
  keyring ??= createKeyring(new Map([[keyId, randomNotebookKey()]]), keyId);
  const start = performance.now();
  const plain = new Y.Doc();
  const sealedPlain = new Y.Doc();
  const box = new Y.Doc();
  const signer = generateSigningKeyPair();
  const sealed = new SealedDoc({ docId: 'bench-sync', plain: sealedPlain, box, keyring, writer: newWriter(signer), coalesceMs: 60_000 });
  plain.on('update', (update: Uint8Array) => Y.applyUpdate(sealedPlain, update));
  for (let i = 0; i < count; i++) {
    const id = createNote(plain, { title: `Note ${i}: ${sentence(3)}` });
    let body = '';
    for (let burst = 0; burst < 4; burst++) setNoteText(plain, id, 'body', (body += `${sentence(6)}. `));
    sealed.flush();
  }
  sealed.destroy();
  return { plain, box, keyring, signer, buildMs: performance.now() - start };
}

/** ws's WebSocket, counting every byte of every message in both directions. */
function countingWebSocket(counter: { in: number; out: number }): typeof globalThis.WebSocket {
  class Counting extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      this.on('message', (data: RawData) => (counter.in += rawLength(data)));
    }
    override send(data: Parameters<WebSocket['send']>[0], ...rest: unknown[]): void {
      counter.out += rawLength(data as RawData);
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  }
  return Counting as unknown as typeof globalThis.WebSocket;
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.byteLength, 0);
  return data.byteLength;
}

/**
 * The stock Hocuspocus provider on a socket of its own for one room (the relay of this bench
 * takes writes without a capability, so the token is empty). Note: ws reports closing a socket
 * that is still connecting as an 'error' event, which with no listener left would throw.
 */
function provide(relayUrl: string, room: string, doc: Y.Doc, Ws: typeof globalThis.WebSocket): { destroy(): void } {
  class Quiet extends (Ws as unknown as typeof WebSocket) {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      this.on('error', () => undefined);
    }
  }
  const socket = new HocuspocusProviderWebsocket({ url: relayUrl, WebSocketPolyfill: Quiet as unknown as typeof globalThis.WebSocket, autoConnect: false });
  const provider = new HocuspocusProvider({ websocketProvider: socket, name: room, document: doc, token: '' });
  provider.attach();
  void socket.connect();
  return {
    destroy() {
      provider.destroy();
      socket.destroy();
    },
  };
}

/** Puts `doc` into the relay room and resolves once a keyless observer there holds all of it. */
export async function upload(relayUrl: string, room: string, doc: Y.Doc): Promise<void> {
  const Ws = WebSocket as unknown as typeof globalThis.WebSocket;
  const writer = provide(relayUrl, room, doc, Ws);
  const mirror = new Y.Doc();
  const observer = provide(relayUrl, room, mirror, Ws);
  const target = Buffer.from(Y.encodeStateVector(doc));
  await until(mirror, () => Buffer.from(Y.encodeStateVector(mirror)).equals(target));
  for (const provider of [writer, observer]) provider.destroy();
}

/** A new device: empty doc(s), connect, wait until `count` notes are readable. */
export async function catchUp(relayUrl: string, room: string, count: number, keyring?: Keyring): Promise<CatchUp> {
  const counter = { in: 0, out: 0 };
  const plain = new Y.Doc();
  const box = keyring ? new Y.Doc() : plain;
  const start = performance.now();
  const sealed = keyring && new SealedDoc({ docId: 'bench-sync', plain, box, keyring, writer: newWriter(generateSigningKeyPair()) });
  const provider = provide(relayUrl, room, box, countingWebSocket(counter));
  await until(plain, () => notesMap(plain).size === count);
  const ms = performance.now() - start;
  provider.destroy();
  sealed?.destroy();
  if (sealed && sealed.quarantine.size > 0) throw new Error(`${sealed.quarantine.size} entries quarantined`);
  return { ms, bytesIn: counter.in, bytesOut: counter.out };
}
