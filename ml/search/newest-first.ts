import type { IndexedNote } from './indexed-note.ts';

/**
 * The `limit` newest notes that pass, in one pass and without sorting them all: a
 * `label:person` chip can select a third of 100,000 notes, and only a page is shown.
 * Ties break by id so the order is stable across calls.
 */
export function newestFirst(notes: Iterable<IndexedNote>, passes: (note: IndexedNote) => boolean, limit: number): IndexedNote[] {
  const top: IndexedNote[] = [];
  const newer = (a: IndexedNote, b: IndexedNote) => a.record.createdAt > b.record.createdAt || (a.record.createdAt === b.record.createdAt && a.record.id < b.record.id);
  if (limit <= 0) return top;
  for (const note of notes) {
    const last = top[top.length - 1];
    if (top.length >= limit && last && !newer(note, last)) continue;
    if (!passes(note)) continue;
    // Binary search for the insertion point in the (short, sorted) page.
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newer(note, top[mid] as IndexedNote)) hi = mid;
      else lo = mid + 1;
    }
    top.splice(lo, 0, note);
    if (top.length > limit) top.pop();
  }
  return top;
}
