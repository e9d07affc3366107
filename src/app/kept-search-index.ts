import type * as Y from 'yjs';
import { decodeIndexSnapshot, encodeIndexSnapshot } from '../../ml/search/index-snapshot.ts';
import { NoteSearchIndex } from '../../ml/search/search-index.ts';
import { docStamp } from '../../sync/notebook/doc-stamp.ts';
import { notesMap } from '../../sync/notebook/notes.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { noteRecordOf } from './note-record-of.ts';

/** Where a notebook's index is kept between unlocks (Vault.saveSearchIndex / loadSearchIndex: sealed). */
export interface SearchIndexStore {
  /** The kept bytes; undefined when none is kept, or a reason when it did not open (another vault or notebook, tampered, truncated). */
  load(): Promise<Uint8Array | string | undefined>;
  save(index: Uint8Array): Promise<void>;
}

export interface OpenedIndex {
  readonly index: NoteSearchIndex;
  /** 'kept': the kept index, of exactly this state of the notes; 'built': built from the doc. */
  readonly from: 'kept' | 'built';
  /** Why the kept one was not used, when one was there. */
  readonly rejected?: string;
}

/** Every note of the doc, upserted: what reopening cost before an index was kept. */
export function buildIndex(doc: Y.Doc, notebookId: string, index = new NoteSearchIndex()): NoteSearchIndex {
  for (const id of notesMap(doc).keys()) {
    const record = noteRecordOf(doc, notebookId, id);
    if (record) index.upsert(record);
  }
  return index;
}

/** What the store holds, or why it could not be read: never a throw. */
export async function loadKept(store: SearchIndexStore): Promise<Uint8Array | string | undefined> {
  try {
    return await store.load();
  } catch (error) {
    return `not loaded: ${String(error)}`;
  }
}

/**
 * The notebook's index: the kept one if it opened, reads back whole and is of the doc exactly
 * as it is now (docStamp); otherwise built from the doc, never partly trusted. Synchronous,
 * so the caller installs its observer before any change of the doc can come between.
 */
export function chooseIndex(doc: Y.Doc, notebookId: string, kept: Uint8Array | string | undefined): OpenedIndex {
  if (kept === undefined) return { index: buildIndex(doc, notebookId), from: 'built' };
  if (typeof kept === 'string') return { index: buildIndex(doc, notebookId), from: 'built', rejected: kept };
  const read = decodeIndexSnapshot(kept);
  if (!read.ok) return { index: buildIndex(doc, notebookId), from: 'built', rejected: read.error.message };
  if (read.stamp !== docStamp(doc)) return { index: buildIndex(doc, notebookId), from: 'built', rejected: 'of another state of the notes' };
  return { index: read.index, from: 'kept' };
}

/** The index as bytes with the stamp of the doc it is of: call only between transactions (the index then matches the doc). */
export function keepIndex(doc: Y.Doc, index: NoteSearchIndex, store: SearchIndexStore): Promise<void> {
  return store.save(encodeIndexSnapshot(index, docStamp(doc)));
}

/** The vault's sealed copy of one notebook's index (sync/vault/search-index-record.ts). */
export function vaultSearchIndexStore(vault: Vault, notebookId: string): SearchIndexStore {
  return {
    load: async () => {
      const kept = await vault.loadSearchIndex(notebookId);
      return kept === undefined ? undefined : kept.ok ? kept.value : `${kept.error.code}: ${kept.error.message}`;
    },
    save: (index) => vault.saveSearchIndex(notebookId, index),
  };
}
