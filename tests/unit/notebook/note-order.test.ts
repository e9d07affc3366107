import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { newestFirstIds, SEEN_AHEAD_MS } from '../../../sync/notebook/note-order.ts';
import { createNote, deleteNote, notesMap, readNotes, setNoteText } from '../../../sync/notebook/notes.ts';

beforeAll(sodiumReady);

const T = Date.UTC(2026, 11, 7, 5, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;

const titles = (doc: Y.Doc): string[] => readNotes(doc).map((n) => n.title);

/** A note as clients before stamps wrote it: wall-clock times only. */
function legacyNote(doc: Y.Doc, id: string, title: string, at: number): void {
  const note = new Y.Map<unknown>();
  note.set('title', new Y.Text(title));
  note.set('body', new Y.Text(''));
  note.set('createdAt', at);
  note.set('updatedAt', at);
  notesMap(doc).set(id, note);
}

describe('note order (sync/notebook/note-order.ts)', () => {
  it('notes from before stamps sort by updatedAt, among stamped ones', () => {
    const doc = new Y.Doc();
    createNote(doc, { title: 'new yesterday' }, T - DAY);
    legacyNote(doc, 'old-a', 'legacy two days ago', T - 2 * DAY);
    legacyNote(doc, 'old-b', 'legacy an hour ago', T - 60 * MINUTE);
    createNote(doc, { title: 'new now' }, T);
    expect(titles(doc)).toEqual(['new now', 'legacy an hour ago', 'new yesterday', 'legacy two days ago']);
  });

  it('a client from before stamps that edits a stamped note (updatedAt only) still lifts it', () => {
    const doc = new Y.Doc();
    const first = createNote(doc, { title: 'first' }, T - DAY);
    createNote(doc, { title: 'second' }, T - 60 * MINUTE);
    notesMap(doc).get(first)?.set('updatedAt', T);
    expect(titles(doc)).toEqual(['first', 'second']);
  });

  it('a device clock set back an hour: the note written after comes first, its stamp within a minute of the clock', () => {
    const doc = new Y.Doc();
    createNote(doc, { title: 'before' }, T);
    const after = createNote(doc, { title: 'after' }, T - 60 * MINUTE);
    expect(titles(doc)).toEqual(['after', 'before']);
    expect(notesMap(doc).get(after)?.get('stamp')).toBe(T - 60 * MINUTE + SEEN_AHEAD_MS + 1);
  });

  it('a device two days behind: its note written after seeing the others comes first', () => {
    const [honest, behind] = [new Y.Doc(), new Y.Doc()];
    createNote(honest, { title: 'honest' }, T);
    Y.applyUpdate(behind, Y.encodeStateAsUpdate(honest));
    createNote(behind, { title: 'from behind' }, T + MINUTE - 2 * DAY);
    Y.applyUpdate(honest, Y.encodeStateAsUpdate(behind));
    expect(titles(honest)).toEqual(['from behind', 'honest']);
  });

  it('concurrent notes on honest clocks sort by their time; one written later on one device does not reach over notes it never saw', () => {
    const [a, b] = [new Y.Doc(), new Y.Doc()];
    createNote(a, { title: 'a1' }, T);
    createNote(b, { title: 'b1' }, T + MINUTE);
    createNote(a, { title: 'a2' }, T + 2 * MINUTE);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(titles(a)).toEqual(['a2', 'b1', 'a1']);
    expect(titles(b)).toEqual(['a2', 'b1', 'a1']);
  });

  it('junk from a peer (a non-map, bad numbers, seen that loop) sorts without throwing', () => {
    const doc = new Y.Doc();
    const id = createNote(doc, { title: 'good' }, T);
    const bad = new Y.Map<unknown>();
    bad.set('stamp', Number.NaN);
    bad.set('seen', 'soon');
    (notesMap(doc) as Y.Map<unknown>).set('junk', 'not a note');
    notesMap(doc).set('bad', bad);
    const loopA = new Y.Map<unknown>();
    const loopB = new Y.Map<unknown>();
    loopA.set('stamp', T + 5);
    loopA.set('seen', T + 6);
    loopB.set('stamp', T + 6);
    loopB.set('seen', T + 5);
    notesMap(doc).set('loop-a', loopA);
    notesMap(doc).set('loop-b', loopB);
    expect(newestFirstIds(notesMap(doc))).toEqual(expect.arrayContaining([id, 'bad', 'loop-a', 'loop-b']));
    expect(newestFirstIds(notesMap(doc))).toHaveLength(4);
    setNoteText(doc, id, 'body', 'still writes', T + MINUTE);
    expect(newestFirstIds(notesMap(doc))[0]).toBe(id);
  });

  it('the kept clocks follow remote edits, deletions, and notes written earlier in the same transaction', () => {
    const [a, b] = [new Y.Doc(), new Y.Doc()];
    const first = createNote(a, { title: 'first' }, T);
    createNote(a, { title: 'second' }, T + MINUTE);
    expect(titles(a)).toEqual(['second', 'first']);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    setNoteText(b, first, 'body', 'edited elsewhere', T + 2 * MINUTE);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    expect(titles(a)).toEqual(['first', 'second']);
    deleteNote(b, first);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    expect(titles(a)).toEqual(['second']);
    let inside: string[] = [];
    a.transact(() => {
      createNote(a, { title: 'third' }, T + 3 * MINUTE);
      inside = titles(a);
    });
    expect(inside).toEqual(['third', 'second']);
    expect(titles(a)).toEqual(['third', 'second']);
  });
});
