/**
 * The sealed-notebook workload, runnable in Node (fake-indexeddb) and in a page (real
 * IndexedDB): a notebook of N notes (title, body typed in bursts, 3 labels each) built
 * once as a plain Y.Doc and once sealed, both persisted with y-indexeddb; then each is
 * loaded from IndexedDB five times, alternating, and timed.
 */
import * as Y from 'yjs';
import { generateSigningKeyPair, newKeyId, randomNotebookKey, sealEnvelope, sodiumReady } from '../../../crypto/index.ts';
import { createNote, readNotes, setNoteText } from '../../../sync/notebook/notes.ts';
import { createKeyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { IndexedDbBoxPersistence } from '../../../sync/storage/indexeddb-box-persistence.ts';
import { seededRandom } from '../../helpers/seeded-random.ts';
import { resealBox, sealEnvelopeV2, type SealArgs } from '../legacy-formats.ts';

export interface SealedResult {
  readonly notes: number;
  readonly buildMs: number;
  readonly snapshots: number;
  readonly entries: number;
  readonly plainLoadMs: number[];
  readonly sealedLoadMs: number[];
  readonly plainBytes: number;
  readonly sealedBytes: number;
  readonly plainHeapMb: number;
  readonly sealedHeapMb: number;
  /** The same box sealed again as envelopes v2 (before padding) and v3 (padded): bytes, open-and-seal and load times. */
  readonly padding: Record<'v2' | 'v3', { readonly bytes: number; readonly sealMs: number; readonly loadMs: number[] }>;
}

const WORDS = 'cat receipt whiteboard roadmap coffee cup motorcycle invoice garden meeting train ticket beach sunset museum'.split(' ');
const LABELS = ['cat', 'dog', 'cup', 'person', 'car', 'motorcycle', 'book', 'laptop', 'bottle', 'chair'];

function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

/** One note the way a person writes it: title, then the body in a few bursts, then labels. */
function writeNote(doc: Y.Doc, random: () => number, i: number): void {
  const id = createNote(doc, { title: `Note ${i}: ${sentence(random, 3)}` });
  let body = '';
  for (let burst = 0; burst < 4; burst++) {
    body += `${sentence(random, 6)}. `;
    setNoteText(doc, id, 'body', body);
  }
  const labels = new Y.Array<{ label: string; score: number; source: string }>();
  labels.push(Array.from({ length: 3 }, () => ({ label: LABELS[Math.floor(random() * LABELS.length)] as string, score: Math.round(random() * 100) / 100, source: 'model' })));
  doc.getMap<Y.Map<unknown>>('notes').get(id)?.set('labels', labels);
}

/** `heap()` reads used JS heap bytes (Node: process.memoryUsage, Chromium: performance.memory). */
export async function runSealedWorkload(count: number, heap: () => number, prefix = 'bench'): Promise<SealedResult> {
  await sodiumReady();
  const random = seededRandom(42);
  const keyId = newKeyId();
  const keyring = createKeyring(new Map([[keyId, randomNotebookKey()]]), keyId);
  const signer = generateSigningKeyPair();
  const storage = new IndexedDbBoxPersistence();

  const t0 = performance.now();
  const plain = new Y.Doc();
  const plainStore = await storage.open(`${prefix}-plain`, plain);
  const sealedPlain = new Y.Doc();
  const box = new Y.Doc();
  const boxStore = await storage.open(`${prefix}-box`, box);
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
    sealed.flush(); // a pause after each note ends the coalescing window
    // Let the stores drain now and then, as they do between a person's keystrokes.
    if (i % 100 === 99) await Promise.all([plainStore.flushed(), boxStore.flushed()]);
  }
  sealed.destroy();
  plain.off('update', mirror);
  await Promise.all(compactions);
  // y-indexeddb merges its own log once it passes 500 updates; do it for both so the
  // comparison is of steady states, not of how far each log happened to grow.
  await plainStore.compact();
  await boxStore.compact();
  await plainStore.close();
  await boxStore.close();
  const buildMs = performance.now() - t0;

  const timed = async (load: () => Promise<() => Promise<void>>) => {
    const before = heap();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, heap())), 5);
    const start = performance.now();
    const dispose = await load();
    const ms = performance.now() - start;
    clearInterval(sampler);
    peak = Math.max(peak, heap());
    await dispose();
    return { ms, heapMb: (peak - before) / 2 ** 20 };
  };
  const loadPlain = async () => {
    const doc = new Y.Doc();
    const handle = await storage.open(`${prefix}-plain`, doc);
    return () => handle.close();
  };
  const loadSealed = async () => {
    const b = new Y.Doc();
    const handle = await storage.open(`${prefix}-box`, b);
    const doc = new Y.Doc();
    const s = new SealedDoc({ docId: 'bench', plain: doc, box: b, keyring, writer: newWriter(signer) });
    if (s.quarantine.size > 0 || readNotes(doc).length !== count) throw new Error('sealed load lost notes');
    return async () => {
      s.destroy();
      await handle.close();
    };
  };
  const plainRuns = [];
  const sealedRuns = [];
  for (let i = 0; i < 5; i++) {
    plainRuns.push(await timed(loadPlain));
    sealedRuns.push(await timed(loadSealed));
  }

  // Padding's cost: the box sealed again in each format, stored, and loaded alternately.
  const resealed = async (format: 'v2' | 'v3', seal: (args: SealArgs) => Uint8Array) => {
    // The fastest of three, so the first format timed does not also pay for warming up.
    let copy = new Y.Doc();
    let sealMs = Infinity;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      copy = resealBox(box, keyring, 'bench', signer, seal);
      sealMs = Math.min(sealMs, performance.now() - start);
    }
    const doc = new Y.Doc();
    const handle = await storage.open(`${prefix}-box-${format}`, doc);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(copy));
    await handle.compact();
    await handle.close();
    return { bytes: Y.encodeStateAsUpdate(copy).length, sealMs, loadMs: [] as number[] };
  };
  const padding = { v2: await resealed('v2', sealEnvelopeV2), v3: await resealed('v3', sealEnvelope) };
  const loadFormat = (format: 'v2' | 'v3') => async () => {
    const b = new Y.Doc();
    const handle = await storage.open(`${prefix}-box-${format}`, b);
    const doc = new Y.Doc();
    const s = new SealedDoc({ docId: 'bench', plain: doc, box: b, keyring, writer: newWriter(signer) });
    if (s.quarantine.size > 0 || readNotes(doc).length !== count) throw new Error(`${format} load lost notes`);
    return async () => {
      s.destroy();
      await handle.close();
    };
  };
  for (let i = 0; i < 5; i++) {
    padding.v2.loadMs.push((await timed(loadFormat('v2'))).ms);
    padding.v3.loadMs.push((await timed(loadFormat('v3'))).ms);
  }
  return {
    notes: count,
    buildMs,
    snapshots: box.getMap('snapshots').size,
    entries: box.getMap('entries').size,
    plainLoadMs: plainRuns.map((r) => r.ms),
    sealedLoadMs: sealedRuns.map((r) => r.ms),
    plainBytes: Y.encodeStateAsUpdate(plain).length,
    sealedBytes: Y.encodeStateAsUpdate(box).length,
    plainHeapMb: Math.max(...plainRuns.map((r) => r.heapMb)),
    sealedHeapMb: Math.max(...sealedRuns.map((r) => r.heapMb)),
    padding,
  };
}
