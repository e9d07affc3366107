import { FIELDS } from './search-options.ts';

/** Per field (by position in FIELDS): note slot -> how often the term occurs there. */
export type Postings = (Map<number, number> | undefined)[];

/**
 * A term's postings as a restored index holds them until first used: per field a count n,
 * then n (slot, term frequency) pairs. A restored index turns a term into Maps only when a
 * query or an edit reaches it, so reopening does not build millions of Map entries (and
 * collect their garbage) for terms nobody searches (issue 17 §2: search ready in 2 s).
 */
export type PackedPostings = Uint32Array;

/** A label key's note slots, packed the same way until first used. */
export type PackedSlots = Uint32Array;

export function isPacked(value: unknown): value is Uint32Array {
  return value instanceof Uint32Array;
}

export function unpackPostings(packed: PackedPostings): Postings {
  const postings: Postings = [];
  let at = 0;
  for (let f = 0; f < FIELDS.length; f++) {
    const n = packed[at++] as number;
    if (n === 0) {
      postings.push(undefined);
      continue;
    }
    const notes = new Map<number, number>();
    for (let i = 0; i < n; i++, at += 2) notes.set(packed[at] as number, packed[at + 1] as number);
    postings.push(notes);
  }
  return postings;
}

export function unpackSlots(packed: PackedSlots): Map<number, number> {
  const notes = new Map<number, number>();
  for (const slot of packed) notes.set(slot, 1);
  return notes;
}

/**
 * Where the packed postings starting at `at` end, checked: every count within the words,
 * every slot a live note's, no frequency 0, some field not empty. A reason if not.
 */
export function packedPostingsEnd(words: Uint32Array, at: number, live: (slot: number) => boolean): number | string {
  let any = false;
  for (let f = 0; f < FIELDS.length; f++) {
    const n = words[at++];
    if (n === undefined || at + 2 * n > words.length) return 'postings past the end';
    any ||= n > 0;
    for (let i = 0; i < n; i++, at += 2) {
      if (!live(words[at] as number) || words[at + 1] === 0) return `posting of slot ${words[at]}`;
    }
  }
  return any ? at : 'a term without postings';
}
