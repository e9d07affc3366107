import type * as Y from 'yjs';
import type { NoteRecord } from '../../ml/search/note-record.ts';
import { readCandidates, readLabels, readOcr } from '../../sync/notebook/labels.ts';
import { readNote } from '../../sync/notebook/notes.ts';

/** A note as the index reads it; undefined once the note is gone. */
export function noteRecordOf(doc: Y.Doc, notebookId: string, id: string): NoteRecord | undefined {
  const note = readNote(doc, id);
  if (!note) return undefined;
  return {
    id,
    notebookId,
    title: note.title,
    body: note.body,
    labels: readLabels(doc, id).map(({ label, score, source }) => ({ label, score, source })),
    candidates: readCandidates(doc, id).map(({ label, score, source }) => ({ label, score, source })),
    ocrText: readOcr(doc, id).map((line) => line.text).join('\n'),
    createdAt: note.createdAt,
  };
}
