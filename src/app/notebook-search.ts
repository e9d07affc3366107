import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type * as Y from 'yjs';
import type { NoteRecord } from '../../ml/search/note-record.ts';
import { NoteSearchIndex } from '../../ml/search/search-index.ts';
import { readLabels, readOcr } from '../../sync/notebook/labels.ts';
import { notesMap, readNote } from '../../sync/notebook/notes.ts';

export interface NotebookSearch {
  readonly index: NoteSearchIndex;
  /** Changes after every batch of upserts, so memos that search re-run. */
  readonly version: Accessor<number>;
}

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
    ocrText: readOcr(doc, id).map((line) => line.text).join('\n'),
    createdAt: note.createdAt,
  };
}

/**
 * Note: ids come from the deep events of the notes map, not from a diff of all notes.
 * A keystroke touches one note's Y.Text, so it re-reads one note; MiniSearch is
 * updated in place (upsert of unchanged content is free), never rebuilt.
 */
function changedNoteIds(events: readonly Y.YEvent<Y.AbstractType<unknown>>[], notes: Y.Map<Y.Map<unknown>>): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.target === notes) {
      for (const key of event.changes.keys.keys()) ids.add(key);
    } else {
      const first = event.path[0];
      if (typeof first === 'string') ids.add(first);
    }
  }
  return ids;
}

/**
 * A search index over one open notebook, filled once and then fed only the notes each
 * transaction changed (local typing, tagging results, or remote edits alike).
 */
export function createNotebookSearch(doc: Y.Doc, notebookId: string, index = new NoteSearchIndex()): NotebookSearch {
  const [version, setVersion] = createSignal(0);
  const notes = notesMap(doc);
  const apply = (ids: Iterable<string>) => {
    for (const id of ids) {
      const record = noteRecordOf(doc, notebookId, id);
      if (record) index.upsert(record);
      else index.remove(id);
    }
    setVersion((v) => v + 1);
  };
  apply(notes.keys());
  const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => apply(changedNoteIds(events, notes));
  notes.observeDeep(observer);
  onCleanup(() => notes.unobserveDeep(observer));
  return { index, version };
}
