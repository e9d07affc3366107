import * as Y from 'yjs';
import { randomBytes, toBase64Url } from '../../crypto/index.ts';
import { timeValue } from './note-clocks.ts';
import { newestFirstIds, nextStamp } from './note-order.ts';

/**
 * The plain notebook schema: `notes` maps a note id to a Y.Map with Y.Text `title` and
 * `body` (so concurrent typing merges character by character), the writer's wall-clock
 * `createdAt`/`updatedAt` (shown, and searched by date), and the `stamp`/`seen` that order
 * notes (note-order.ts).
 */
export interface NoteView {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NoteTextField = 'title' | 'body';

export function notesMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>('notes');
}

/** `now` is this device's clock (tests pass a skewed one). */
export function createNote(doc: Y.Doc, init: { title?: string; body?: string } = {}, now = Date.now()): string {
  const id = toBase64Url(randomBytes(12));
  doc.transact(() => {
    const { stamp, seen } = nextStamp(notesMap(doc), now);
    const note = new Y.Map<unknown>();
    note.set('title', new Y.Text(init.title ?? ''));
    note.set('body', new Y.Text(init.body ?? ''));
    note.set('createdAt', now);
    note.set('updatedAt', now);
    note.set('stamp', stamp);
    note.set('seen', seen);
    notesMap(doc).set(id, note);
  });
  return id;
}

export function readNote(doc: Y.Doc, id: string): NoteView | undefined {
  const note = notesMap(doc).get(id);
  if (!(note instanceof Y.Map)) return undefined;
  const text = (field: NoteTextField) => {
    const value = note.get(field);
    return value instanceof Y.Text ? value.toString() : '';
  };
  // Peers write this doc: a time must be one a Date can hold, or rendering it throws.
  const time = (field: string) => timeValue(note.get(field)) ?? 0;
  return { id, title: text('title'), body: text('body'), createdAt: time('createdAt'), updatedAt: time('updatedAt') };
}

/** Newest first, by the notes' clock (note-order.ts), not by `updatedAt`. */
export function readNotes(doc: Y.Doc): NoteView[] {
  const notes: NoteView[] = [];
  for (const id of newestFirstIds(notesMap(doc))) {
    const note = readNote(doc, id);
    if (note) notes.push(note);
  }
  return notes;
}

/**
 * Replaces a text field with `value` by editing only the changed middle, so a concurrent
 * edit elsewhere in the same field survives the merge.
 */
export function setNoteText(doc: Y.Doc, id: string, field: NoteTextField, value: string, now = Date.now()): void {
  const note = notesMap(doc).get(id);
  const text = note?.get(field);
  if (!(note instanceof Y.Map) || !(text instanceof Y.Text)) return;
  const old = text.toString();
  if (old === value) return;
  let start = 0;
  while (start < old.length && start < value.length && old[start] === value[start]) start++;
  let end = 0;
  while (end < old.length - start && end < value.length - start && old[old.length - 1 - end] === value[value.length - 1 - end]) end++;
  doc.transact(() => {
    const { stamp, seen } = nextStamp(notesMap(doc), now);
    text.delete(start, old.length - start - end);
    text.insert(start, value.slice(start, value.length - end));
    note.set('updatedAt', now);
    note.set('stamp', stamp);
    note.set('seen', seen);
  });
}

export function deleteNote(doc: Y.Doc, id: string): void {
  notesMap(doc).delete(id);
}
