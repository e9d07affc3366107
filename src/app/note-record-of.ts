import type * as Y from 'yjs';
import type { NoteRecord } from '../../ml/search/note-record.ts';
import { readSearchableNote } from '../../sync/notebook/searchable-note.ts';

/** A note as the index reads it; undefined once the note is gone. */
export function noteRecordOf(doc: Y.Doc, notebookId: string, id: string): NoteRecord | undefined {
  const note = readSearchableNote(doc, id);
  return note && { id, notebookId, ...note };
}
