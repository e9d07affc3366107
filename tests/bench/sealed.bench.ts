/**
 * `npm run bench -- sealed [notes]`: a notebook of 10,000 notes (title, body typed in
 * bursts, 3 labels each), built once as a plain Y.Doc and once sealed, both persisted
 * with y-indexeddb (fake-indexeddb in Node). Reports load time plain vs sealed (decrypt +
 * verify + apply), the ratio, stored bytes, and peak heap during load.
 * Targets (issue 2): sealed load <= 2x plain and < 1 s; bytes <= 1.3x plain.
 */
import 'fake-indexeddb/auto';
import { IndexeddbPersistence } from 'y-indexeddb';
import { IndexedDbBoxPersistence } from '../../sync/storage/indexeddb-box-persistence.ts';
import * as Y from 'yjs';
import { generateSigningKeyPair, newKeyId, randomNotebookKey, sodiumReady } from '../../crypto/index.ts';
import { createNote, readNotes, setNoteText } from '../../sync/notebook/notes.ts';
import { createKeyring } from '../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../sync/sealed/writer.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

const WORDS = 'cat receipt whiteboard roadmap coffee cup motorcycle invoice garden meeting train ticket beach sunset museum'.split(' ');
const LABELS = ['cat', 'dog', 'cup', 'person', 'car', 'motorcycle', 'book', 'laptop', 'bottle', 'chair'];

function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

/** Creates one note the way a person would: title, then the body typed in a few bursts. */
function writeNote(doc: Y.Doc, random: () => number, i: number): void {
  const id = createNote(doc, { title: `Note ${i}: ${sentence(random, 3)}` });
  let body = '';
  for (let burst = 0; burst < 4; burst++) {
    body += `${sentence(random, 6)}. `;
    setNoteText(doc, id, 'body', body);
  }
  const note = doc.getMap<Y.Map<unknown>>('notes').get(id);
  const labels = new Y.Array<{ label: string; score: number; source: string }>();
  labels.push(Array.from({ length: 3 }, () => ({ label: LABELS[Math.floor(random() * LABELS.length)] as string, score: Math.round(random() * 100) / 100, source: 'model' })));
  note?.set('labels', labels);
}

async function persisted(name: string, doc: Y.Doc): Promise<IndexeddbPersistence> {
  const p = new IndexeddbPersistence(name, doc);
  await p.whenSynced;
  return p;
}

async function storedBytes(name: string): Promise<number> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const values = await new Promise<unknown[]>((resolve) => {
    const r = db.transaction('updates').objectStore('updates').getAll();
    r.onsuccess = () => resolve(r.result);
  });
  db.close();
  return values.reduce<number>((sum, v) => sum + (v instanceof Uint8Array ? v.length : 0), 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function measure(load: () => Promise<() => void>): Promise<{ ms: number; heapMb: number }> {
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const t0 = performance.now();
  const dispose = await load();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  dispose();
  return { ms, heapMb: (peak - before) / 2 ** 20 };
}

export async function run(args: string[]): Promise<void> {
  await sodiumReady();
  const count = Number(args[0] ?? 10_000);
  const random = seededRandom(42);
  const keyId = newKeyId();
  const keyring = createKeyring(new Map([[keyId, randomNotebookKey()]]), keyId);
  const signer = generateSigningKeyPair();

  // Build: identical edits into a plain doc and into a sealed doc, each persisted.
  // Every 100 notes we wait until both stores have written: a queue of tens of thousands
  // of pending IndexedDB transactions is not how an app that a person types into behaves.
  const t0 = performance.now();
  const storage = new IndexedDbBoxPersistence();
  const plain = new Y.Doc();
  const plainStore = await storage.open('bench-plain', plain);
  const sealedPlain = new Y.Doc();
  const box = new Y.Doc();
  const boxStore = await storage.open('bench-box', box);
  const compactions: Promise<void>[] = [];
  const sealed = new SealedDoc({
    docId: 'bench',
    plain: sealedPlain,
    box,
    keyring,
    writer: newWriter(signer),
    coalesceMs: 60_000,
    // As the app does: after a snapshot, trim the box's y-indexeddb log.
    onCompact: () => void compactions.push(boxStore.compact()),
  });
  const mirror = (update: Uint8Array) => Y.applyUpdate(sealedPlain, update);
  plain.on('update', mirror);
  for (let i = 0; i < count; i++) {
    writeNote(plain, random, i);
    // A pause after each note ends the coalescing window.
    sealed.flush();
    if (i % 100 === 99) await Promise.all([plainStore.flushed(), boxStore.flushed()]);
  }
  sealed.destroy();
  plain.off('update', mirror);
  await Promise.all(compactions);
  // y-indexeddb merges its own log once it passes 500 updates; do that for both so the
  // comparison is of steady states, not of how far each log happened to grow.
  await plainStore.compact();
  await boxStore.compact();
  await plainStore.close();
  await boxStore.close();
  const buildMs = performance.now() - t0;

  const loadPlain = async () => {
    const doc = new Y.Doc();
    const p = await persisted('bench-plain', doc);
    return () => void p.destroy();
  };
  const loadSealed = async () => {
    const b = new Y.Doc();
    const p = await persisted('bench-box', b);
    const doc = new Y.Doc();
    const s = new SealedDoc({ docId: 'bench', plain: doc, box: b, keyring, writer: newWriter(signer) });
    if (s.quarantine.size > 0 || readNotes(doc).length !== count) throw new Error('sealed load lost notes');
    return () => {
      s.destroy();
      void p.destroy();
    };
  };

  const plainRuns: { ms: number; heapMb: number }[] = [];
  const sealedRuns: { ms: number; heapMb: number }[] = [];
  for (let i = 0; i < 5; i++) {
    plainRuns.push(await measure(loadPlain));
    sealedRuns.push(await measure(loadSealed));
  }
  const plainMs = median(plainRuns.map((r) => r.ms));
  const sealedMs = median(sealedRuns.map((r) => r.ms));
  const plainBytes = Y.encodeStateAsUpdate(plain).length;
  const boxBytes = Y.encodeStateAsUpdate(box).length;
  const plainStored = await storedBytes('bench-plain');
  const boxStored = await storedBytes('bench-box');
  const boxMaps = { entries: box.getMap('entries').size, snapshots: box.getMap('snapshots').size };

  console.log(`notes: ${count}; build (both docs, ${count} sealed flushes): ${(buildMs / 1000).toFixed(1)} s; box: ${boxMaps.snapshots} snapshot(s) + ${boxMaps.entries} entries`);
  console.table({
    'load ms (median of 5)': { plain: +plainMs.toFixed(1), sealed: +sealedMs.toFixed(1), ratio: +(sealedMs / plainMs).toFixed(2), target: '<= 2x, < 1000 ms' },
    'state bytes': { plain: plainBytes, sealed: boxBytes, ratio: +(boxBytes / plainBytes).toFixed(3), target: '<= 1.3x' },
    // y-indexeddb keeps every update (superseded snapshots too) until its own trim merges them.
    'y-indexeddb log bytes (untrimmed)': { plain: plainStored, sealed: boxStored, ratio: +(boxStored / plainStored).toFixed(3), target: '' },
    'peak heap during load MiB': {
      plain: +Math.max(...plainRuns.map((r) => r.heapMb)).toFixed(1),
      sealed: +Math.max(...sealedRuns.map((r) => r.heapMb)).toFixed(1),
      ratio: '',
      target: '',
    },
  });
}
