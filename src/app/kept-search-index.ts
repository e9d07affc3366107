import type * as Y from 'yjs';
import { chooseIndex, keepIndex, type KeptIndex, type OpenedIndex, type SearchIndexStore } from '../../ml/search/kept-index.ts';
import { NoteSearchIndex } from '../../ml/search/search-index.ts';
import { docStamp } from '../../sync/notebook/doc-stamp.ts';
import { notesMap } from '../../sync/notebook/notes.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { noteRecordOf } from './note-record-of.ts';

/** Every note of the doc, upserted: what reopening cost before an index was kept. */
export function buildIndex(doc: Y.Doc, notebookId: string, index = new NoteSearchIndex()): NoteSearchIndex {
  for (const id of notesMap(doc).keys()) {
    const record = noteRecordOf(doc, notebookId, id);
    if (record) index.upsert(record);
  }
  return index;
}

/** The notebook's index: the kept one when it is of the doc exactly as it is now (docStamp), else built from the doc. */
export function chooseNotebookIndex(doc: Y.Doc, notebookId: string, kept: KeptIndex): OpenedIndex {
  return chooseIndex(kept, () => docStamp(doc), () => buildIndex(doc, notebookId));
}

/** Call only between transactions: the index then matches the doc. */
export function keepNotebookIndex(doc: Y.Doc, index: NoteSearchIndex, store: SearchIndexStore): Promise<void> {
  return keepIndex(index, docStamp(doc), store);
}

/** The vault's sealed copy of one notebook's index (sync/vault/search-index-record.ts). */
export function vaultSearchIndexStore(vault: Vault, notebookId: string): SearchIndexStore {
  return {
    load: async () => {
      const kept = await vault.records.loadSearchIndex(notebookId);
      return kept === undefined ? undefined : kept.ok ? kept.value : `${kept.error.code}: ${kept.error.message}`;
    },
    save: (index) => vault.records.saveSearchIndex(notebookId, index),
  };
}
