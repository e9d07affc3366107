import type * as Y from 'yjs';
import { NoteSearchIndex } from '../../ml/search/search-index.ts';
import { notesMap } from '../../sync/notebook/notes.ts';
import { readSearchableNote } from '../../sync/notebook/searchable-note.ts';

/**
 * A notebook doc's notes in a fresh index, as the app builds it (src/app/kept-search-index.ts
 * buildIndex: the same readers, in the same order); tests cannot import src/ (ARCHITECTURE §1).
 */
export function buildNotebookIndex(doc: Y.Doc, notebookId: string): NoteSearchIndex {
  const index = new NoteSearchIndex();
  for (const id of notesMap(doc).keys()) {
    const note = readSearchableNote(doc, id);
    if (note) index.upsert({ id, notebookId, ...note });
  }
  return index;
}
