import * as Y from 'yjs';
import { randomVaultKey, sodiumReady } from '../../../crypto/index.ts';
import type { NoteRecord } from '../../../ml/search/note-record.ts';
import { chooseIndex, keepIndex, loadKept, type SearchIndexStore } from '../../../ml/search/kept-index.ts';
import { docStamp } from '../../../sync/notebook/doc-stamp.ts';
import { buildNotebookIndex as buildIndex } from '../../helpers/notebook-search-index.ts';
import { writeTagResults } from '../../../sync/notebook/labels.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import { loadSearchIndex, saveSearchIndex, searchIndexKey } from '../../../sync/vault/search-index-record.ts';
import { type Latency, summarize, timeEach, timeOnce } from './latency.ts';
import type { BenchQuery } from './query-mix.ts';

export interface ReopenFigures {
  /** The baseline: every note read from the doc and upserted (what reopening cost before). */
  readonly buildMs: number;
  /** Kept index: load from the store, open the seal, read back, check the doc's stamp. */
  readonly readyMs: number;
  readonly from: string;
  /** Writing it: encode, seal, store (on the main thread in the app, 3 s after the last change). */
  readonly keepMs: number;
  readonly sealedMiB: number;
  /** The query mix on the read-back index, first run (terms unpacked as reached) and again. */
  readonly firstQueries: Latency;
  readonly againQueries: Latency;
  /** The same queries on the freshly built index. */
  readonly builtQueries: Latency;
}

/** The synthetic notes as a notebook doc, as the app holds it after an unlock: notes, labels, photo text. */
function notebookDoc(notes: readonly NoteRecord[]): Y.Doc {
  const doc = new Y.Doc();
  for (let at = 0; at < notes.length; at += 1000) {
    doc.transact(() => {
      for (const note of notes.slice(at, at + 1000)) {
        const id = createNote(doc, { title: note.title, body: note.body }, note.createdAt);
        if (note.labels.length === 0 && note.ocrText === '') continue;
        writeTagResults(doc, id, {
          labels: note.labels.map((l) => ({ label: l.label, score: l.score, box: [0, 0, 1, 1], modelId: 'bench', modelVersion: '1' })),
          ocr: note.ocrText === '' ? [] : [{ text: note.ocrText, confidence: 0.9, box: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
          pipelineVersion: 'bench',
        });
      }
    });
  }
  return doc;
}

/**
 * Reopen to search-ready (issue 17 §2) at one size, with the full build as the baseline in the
 * same run: the notes in a Y.Doc, the index kept sealed with the app's code (real libsodium),
 * then read back as an unlock does. The store is in memory: IndexedDB's read of the one sealed
 * value is not in these figures (Node has no IndexedDB; the browser reads it as one structured clone).
 */
export async function reopenFigures(notes: readonly NoteRecord[], queries: readonly BenchQuery[]): Promise<ReopenFigures> {
  await sodiumReady();
  const doc = notebookDoc(notes);
  const storage = new MemoryStorageAdapter();
  const keys = { vault: randomVaultKey(), names: randomVaultKey() };
  const store: SearchIndexStore = {
    load: async () => {
      const kept = await loadSearchIndex(storage, keys, 'bench-vault', 'nb');
      return kept === undefined ? undefined : kept.ok ? kept.value : kept.error.code;
    },
    save: (bytes) => saveSearchIndex(storage, keys, 'bench-vault', 'nb', bytes),
  };
  let built = undefined as ReturnType<typeof buildIndex> | undefined;
  const buildMs = timeOnce(() => (built = buildIndex(doc, 'nb')));
  if (!built) throw new Error('unreachable');
  let start = performance.now();
  await keepIndex(built, docStamp(doc), store);
  const keepMs = performance.now() - start;
  const sealed = (await storage.load(searchIndexKey(keys.names, 'nb')))?.length ?? 0;
  start = performance.now();
  const opened = chooseIndex(await loadKept(store), () => docStamp(doc), () => buildIndex(doc, 'nb'));
  const readyMs = performance.now() - start;
  const firstQueries = summarize(timeEach(queries, (q) => opened.index.search(q.text), 0));
  const againQueries = summarize(timeEach(queries, (q) => opened.index.search(q.text), 0));
  const fresh = built;
  const builtQueries = summarize(timeEach(queries, (q) => fresh.search(q.text), 0));
  return { buildMs, readyMs, from: opened.from, keepMs, sealedMiB: sealed / 2 ** 20, firstQueries, againQueries, builtQueries };
}
