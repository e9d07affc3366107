import * as Y from 'yjs';

/** The largest time a JavaScript Date holds (ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

/** A peer-written time, or undefined when it is not one a Date can hold. */
export function timeValue(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_DATE_MS ? value : undefined;
}

/** A note's `stamp` and `seen` (note-order.ts), as read from the doc. */
export interface NoteClock {
  readonly stamp: number;
  readonly seen: number;
}

/**
 * Where a note sorts before the `seen` rule. Notes from before stamps have only
 * `updatedAt`; a client from before stamps editing a stamped note moves `updatedAt` past
 * the stamp (new writes never do: their stamp is at least their `updatedAt`).
 */
export function clockOf(note: Y.Map<unknown>): NoteClock {
  return {
    stamp: Math.max(timeValue(note.get('stamp')) ?? 0, timeValue(note.get('updatedAt')) ?? 0),
    seen: timeValue(note.get('seen')) ?? 0,
  };
}

export interface NoteClocks {
  /** The highest stamp the map has held (a deleted note's stamp stays: it was seen). */
  highest: number;
  readonly byId: Map<string, NoteClock>;
}

/** Every note's clock by reading the doc; peers write this map, so a value that is not a Y.Map is no note. */
function readClocks(notes: Y.Map<Y.Map<unknown>>): NoteClocks {
  const clocks: NoteClocks = { highest: 0, byId: new Map() };
  notes.forEach((note: unknown, id) => {
    if (!(note instanceof Y.Map)) return;
    const clock = clockOf(note);
    clocks.byId.set(id, clock);
    clocks.highest = Math.max(clocks.highest, clock.stamp);
  });
  return clocks;
}

const kept = new WeakMap<Y.Map<Y.Map<unknown>>, NoteClocks>();

/**
 * Note: every note's clock, read once and then kept current by a deep observer that
 * re-reads only the notes a transaction touched. The grid re-sorts on every change (each
 * keystroke), and reading three values from each of 10,000 Y.Maps cost more than the sort;
 * a write needs the highest stamp, and 10,000 notes written in one transaction would
 * otherwise read 50 million. Observers run when a transaction ends, so inside one the map
 * may lag: `highest` is raised by the writer itself (nextStamp), and readers inside a
 * transaction read the doc (`currentClocks`).
 */
export function keptClocks(notes: Y.Map<Y.Map<unknown>>): NoteClocks {
  const known = kept.get(notes);
  if (known) return known;
  const clocks = readClocks(notes);
  notes.observeDeep((events) => {
    for (const event of events) {
      const ids = event.target === notes ? [...event.changes.keys.keys()] : [event.path[0]];
      for (const id of ids) {
        if (typeof id !== 'string') continue;
        const note: unknown = notes.get(id);
        if (!(note instanceof Y.Map)) {
          clocks.byId.delete(id);
          continue;
        }
        const clock = clockOf(note);
        clocks.byId.set(id, clock);
        clocks.highest = Math.max(clocks.highest, clock.stamp);
      }
    }
  });
  kept.set(notes, clocks);
  return clocks;
}

/** The clocks as the doc holds them now, inside a transaction too. */
export function currentClocks(notes: Y.Map<Y.Map<unknown>>): ReadonlyMap<string, NoteClock> {
  return notes.doc?._transaction ? readClocks(notes).byId : keptClocks(notes).byId;
}
