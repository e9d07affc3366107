import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { randomVaultKey, sodiumReady, type VaultKey } from '../../../crypto/index.ts';
import { chooseIndex, keepIndex, loadKept, type SearchIndexStore } from '../../../ml/search/kept-index.ts';
import { docStamp } from '../../../sync/notebook/doc-stamp.ts';
import { buildNotebookIndex as buildIndex } from '../../helpers/notebook-search-index.ts';
import { writeTagResults } from '../../../sync/notebook/labels.ts';
import { createNote, deleteNote, setNoteText } from '../../../sync/notebook/notes.ts';
import { IndexedDbStorageAdapter } from '../../../sync/storage/indexeddb-storage-adapter.ts';
import type { StorageAdapter } from '../../../sync/storage/storage-adapter.ts';
import { loadSearchIndex, saveSearchIndex, searchIndexKey } from '../../../sync/vault/search-index-record.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';

const SEED = testSeed();
const WORDS = ['harbour', 'lantern', 'receipt', 'granite', 'meadow', 'violin', 'saffron', 'tundra'];
const QUERIES = ['harbour', 'lant', 'recipt', 'granite meadow', 'label:cat', 'animal', 'kitty', 'violin label:cup'];

let n = 0;
const vault = () => ({ id: `vault-${n}`, keys: { vault: randomVaultKey(), names: randomVaultKey() } });
type TestVault = { id: string; keys: { vault: VaultKey; names: VaultKey } };

/** The app's store (kept-search-index.ts vaultSearchIndexStore) on the same sealed record, without a whole Vault. */
function store(storage: StorageAdapter, v: TestVault, notebookId: string): SearchIndexStore {
  return {
    load: async () => {
      const kept = await loadSearchIndex(storage, v.keys, v.id, notebookId);
      return kept === undefined ? undefined : kept.ok ? kept.value : kept.error.code;
    },
    save: (bytes) => saveSearchIndex(storage, v.keys, v.id, notebookId, bytes),
  };
}

function notebook(random: () => number, count: number): { doc: Y.Doc; ids: string[]; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const pick = () => WORDS[Math.floor(random() * WORDS.length)] as string;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = createNote(doc, { title: `${pick()} ${pick()}`, body: `${pick()} ${pick()} ${pick()}` }, 1_700_000_000_000 + i * 1000);
    if (i % 3 === 0) writeTagResults(doc, id, { labels: [{ label: i % 2 ? 'cat' : 'cup', score: 0.6, box: [0, 0, 1, 1], modelId: 'test', modelVersion: '1' }], ocr: [], pipelineVersion: 'test' });
    ids.push(id);
  }
  return { doc, ids, updates };
}

const results = (index: ReturnType<typeof buildIndex>) => QUERIES.map((q) => index.search(q, { limit: Infinity }));

async function reopen(storage: StorageAdapter, v: TestVault, doc: Y.Doc, notebookId: string) {
  return chooseIndex(await loadKept(store(storage, v, notebookId)), () => docStamp(doc), () => buildIndex(doc, notebookId));
}

describe(`the kept search index (sealed in IndexedDB, seed ${SEED})`, () => {
  beforeAll(async () => {
    await sodiumReady();
  });

  it('is used on reopen when the notes are as they were, even loaded from their updates in another order', async () => {
    const storage = new IndexedDbStorageAdapter(`kept-index-${n++}`);
    const v = vault();
    const { doc, updates } = notebook(seededRandom(SEED), 40);
    const index = buildIndex(doc, 'nb1');
    await keepIndex(index, docStamp(doc), store(storage, v, 'nb1'));
    // The plain doc is rebuilt at every unlock from its sealed updates, in whatever order they load.
    const reloaded = new Y.Doc();
    for (const update of [...updates].reverse()) Y.applyUpdate(reloaded, update);
    const opened = await reopen(storage, v, reloaded, 'nb1');
    expect(opened.from).toBe('kept');
    expect(results(opened.index)).toEqual(results(index));
  });

  it('from an older state of the notes (an edit, or only a delete, since) is rebuilt, and finds the notes as they are', async () => {
    const storage = new IndexedDbStorageAdapter(`kept-index-${n++}`);
    const v = vault();
    const { doc, ids } = notebook(seededRandom(SEED + 1), 30);
    await keepIndex(buildIndex(doc, 'nb1'), docStamp(doc), store(storage, v, 'nb1'));
    setNoteText(doc, ids[0] as string, 'title', 'zeppelin');
    const edited = await reopen(storage, v, doc, 'nb1');
    expect(edited).toMatchObject({ from: 'built', rejected: 'of another state of the notes' });
    expect(edited.index.search('zeppelin').map((h) => h.id)).toEqual([ids[0]]);

    await keepIndex(edited.index, docStamp(doc), store(storage, v, 'nb1'));
    expect((await reopen(storage, v, doc, 'nb1')).from).toBe('kept');
    // A delete moves no clock of the state vector: the delete set is in the stamp too.
    deleteNote(doc, ids[0] as string);
    const deleted = await reopen(storage, v, doc, 'nb1');
    expect(deleted).toMatchObject({ from: 'built', rejected: 'of another state of the notes' });
    expect(deleted.index.search('zeppelin')).toEqual([]);
  });

  it('tampered with or truncated in IndexedDB is rebuilt, never read', async () => {
    const storage = new IndexedDbStorageAdapter(`kept-index-${n++}`);
    const v = vault();
    const { doc } = notebook(seededRandom(SEED + 2), 30);
    const index = buildIndex(doc, 'nb1');
    await keepIndex(index, docStamp(doc), store(storage, v, 'nb1'));
    const key = searchIndexKey(v.keys.names, 'nb1');
    const sealed = (await storage.load(key)) as Uint8Array;
    for (const [what, bytes] of [
      ['a flipped bit', Uint8Array.from(sealed, (b, i) => (i === Math.floor(sealed.length / 2) ? b ^ 1 : b))],
      ['truncated', sealed.slice(0, sealed.length - 100)],
      ['cut to its first bytes', sealed.slice(0, 10)],
    ] as const) {
      await storage.save(key, bytes);
      const opened = await reopen(storage, v, doc, 'nb1');
      expect(opened.from, what).toBe('built');
      expect(opened.rejected, what).toMatch(/^E_/);
      expect(results(opened.index), what).toEqual(results(index));
    }
  });

  it('from another vault or another notebook does not open there: rebuilt', async () => {
    const storage = new IndexedDbStorageAdapter(`kept-index-${n++}`);
    const mine = vault();
    const theirs = vault();
    const { doc } = notebook(seededRandom(SEED + 3), 30);
    const other = notebook(seededRandom(SEED + 4), 30).doc;
    // Another vault's index of a notebook with the same id, put under this vault's storage key.
    const elsewhere = new IndexedDbStorageAdapter(`kept-index-${n++}`);
    await keepIndex(buildIndex(other, 'nb1'), docStamp(other), store(elsewhere, theirs, 'nb1'));
    await storage.save(searchIndexKey(mine.keys.names, 'nb1'), (await elsewhere.load(searchIndexKey(theirs.keys.names, 'nb1'))) as Uint8Array);
    expect(await reopen(storage, mine, doc, 'nb1')).toMatchObject({ from: 'built', rejected: 'E_DECRYPT' });
    // This vault's index of another notebook, put under this notebook's key.
    await keepIndex(buildIndex(other, 'nb2'), docStamp(other), store(storage, mine, 'nb2'));
    await storage.save(searchIndexKey(mine.keys.names, 'nb1'), (await storage.load(searchIndexKey(mine.keys.names, 'nb2'))) as Uint8Array);
    const opened = await reopen(storage, mine, doc, 'nb1');
    expect(opened).toMatchObject({ from: 'built', rejected: 'E_DECRYPT' });
    expect(results(opened.index)).toEqual(results(buildIndex(doc, 'nb1')));
  });

  it('the stored record shows neither the notebook id nor a word of the notes, and its size only to a Padmé bucket', async () => {
    const storage = new IndexedDbStorageAdapter(`kept-index-${n++}`);
    const v = vault();
    const { doc } = notebook(seededRandom(SEED + 5), 30);
    await keepIndex(buildIndex(doc, 'notebook-canary'), docStamp(doc), store(storage, v, 'notebook-canary'));
    const chunks = await storage.loadRange([]);
    expect(chunks).toHaveLength(1);
    const [chunk] = chunks;
    expect(chunk?.key.join('/')).not.toContain('canary');
    const text = Buffer.from(chunk?.data ?? []).toString('latin1');
    for (const word of [...WORDS, 'canary']) expect(text).not.toContain(word);
  });
});
