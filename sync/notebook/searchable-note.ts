import type * as Y from 'yjs';
import { readCandidates, readLabels, readOcr } from './labels.ts';
import { readNote } from './notes.ts';

/** A label as search reads it: name, score, who gave it. */
export interface SearchableLabel {
  readonly label: string;
  readonly score: number;
  readonly source: 'model' | 'user';
}

/** What search indexes of a note (ml/search's NoteRecord, less the ids): sync/ never imports ml/. */
export interface SearchableNote {
  readonly title: string;
  readonly body: string;
  readonly labels: readonly SearchableLabel[];
  readonly candidates: readonly SearchableLabel[];
  /** All OCR lines of the note's photos, joined by newlines. */
  readonly ocrText: string;
  readonly createdAt: number;
}

/** undefined once the note is gone. */
export function readSearchableNote(doc: Y.Doc, id: string): SearchableNote | undefined {
  const note = readNote(doc, id);
  if (!note) return undefined;
  return {
    title: note.title,
    body: note.body,
    labels: readLabels(doc, id).map(({ label, score, source }) => ({ label, score, source })),
    candidates: readCandidates(doc, id).map(({ label, score, source }) => ({ label, score, source })),
    ocrText: readOcr(doc, id).map((line) => line.text).join('\n'),
    createdAt: note.createdAt,
  };
}
