import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLabels } from '../../../ml/detect/detection.ts';
import { decodeIndexSnapshot, encodeIndexSnapshot } from '../../../ml/search/index-snapshot.ts';
import type { NoteRecord, SearchHit } from '../../../ml/search/note-record.ts';
import { NoteSearchIndex } from '../../../ml/search/search-index.ts';
import { defaultTaxonomy } from '../../../ml/search/taxonomy.ts';
import { queryMix } from '../../bench/search/query-mix.ts';
import { syntheticNotes } from '../../bench/search/synthetic-notes.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';

const SEED = testSeed();
const COCO = parseLabels(readFileSync(new URL('../../../models/labels/coco80.txt', import.meta.url), 'utf8'));

/** Random edits as the app makes them: retitled, rewritten, relabelled, read, removed, added. */
function randomEdits(start: readonly NoteRecord[], vocabulary: readonly string[], random: () => number, count: number): { records: Map<string, NoteRecord>; index: NoteSearchIndex } {
  const index = new NoteSearchIndex();
  const records = new Map(start.map((n) => [n.id, n]));
  for (const note of start) index.upsert(note);
  const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  let added = 0;
  for (let i = 0; i < count; i++) {
    const id = pick([...records.keys()]);
    const note = records.get(id) as NoteRecord;
    const r = random();
    let next: NoteRecord | undefined;
    if (r < 0.25) next = { ...note, title: `${pick(vocabulary)} ${pick(vocabulary)}` };
    else if (r < 0.45) next = { ...note, body: `${note.body} ${pick(vocabulary)}` };
    else if (r < 0.6) next = { ...note, labels: [{ label: pick(COCO), score: 0.6, source: 'model' }], candidates: [{ label: pick(COCO), score: 0.2, source: 'model' }] };
    else if (r < 0.7) next = { ...note, ocrText: `${pick(vocabulary)}\n${pick(vocabulary)}` };
    else if (r < 0.85) {
      records.delete(id);
      index.remove(id);
    } else next = { ...note, id: `added${added++}`, createdAt: note.createdAt + 1 };
    if (next) {
      records.set(next.id, next);
      index.upsert(next);
    }
  }
  return { records, index };
}

/**
 * An index built in another order walks ties and typo terms in another order (a live index
 * too, edited over time): same score, then id; a reason's field, words and highlights, but
 * not which of two typo terms in the same place it names.
 */
function canonical(hits: readonly SearchHit[]): { id: string; score: string; matches: string }[] {
  return hits
    .map((h) => ({ id: h.id, score: h.score.toPrecision(10), matches: JSON.stringify(h.matches.map(({ term: _, ...m }) => m)) }))
    .sort((a, b) => Number(b.score) - Number(a.score) || (a.id < b.id ? -1 : 1));
}

describe(`search index snapshot (seed ${SEED})`, () => {
  const { notes, vocabulary } = syntheticNotes({ count: 600, seed: SEED, labels: COCO });
  const queries = queryMix(vocabulary, COCO, seededRandom(SEED + 1), 90).map((q) => q.text);

  it('reads back an index that searches and suggests exactly as the one written, after random edits', () => {
    const { index } = randomEdits(notes, vocabulary, seededRandom(SEED + 2), 400);
    const read = decodeIndexSnapshot(encodeIndexSnapshot(index, 'stamp-1'));
    if (!read.ok) throw new Error(read.error.message);
    expect(read.stamp).toBe('stamp-1');
    expect(read.index.size).toBe(index.size);
    for (const q of queries) {
      expect(read.index.search(q), q).toEqual(index.search(q));
      expect(read.index.suggest(q.slice(0, 3)), q).toEqual(index.suggest(q.slice(0, 3)));
    }
  });

  it('property: after random edits, a read-back index finds what an index built fresh from the same notes finds', () => {
    for (let round = 0; round < 3; round++) {
      const random = seededRandom(SEED + 10 + round);
      const { records, index } = randomEdits(notes.slice(0, 300), vocabulary, random, 50 + Math.floor(random() * 300));
      const read = decodeIndexSnapshot(encodeIndexSnapshot(index, 's'));
      if (!read.ok) throw new Error(read.error.message);
      const fresh = new NoteSearchIndex();
      for (const note of records.values()) fresh.upsert(note);
      // The read-back index keeps being edited as the app edits it, and still agrees.
      const extra = { ...(records.values().next().value as NoteRecord), title: 'a fresh title' };
      read.index.upsert(extra);
      fresh.upsert(extra);
      for (const q of [...queries, 'a fresh title']) {
        expect(canonical(read.index.search(q, { limit: Infinity })), `round ${round}: ${q}`).toEqual(canonical(fresh.search(q, { limit: Infinity })));
      }
    }
  });

  it('E_SEARCH_INDEX_INVALID: a truncated snapshot is rejected whole', () => {
    const index = new NoteSearchIndex();
    for (const note of notes.slice(0, 50)) index.upsert(note);
    const bytes = encodeIndexSnapshot(index, 's');
    for (const cut of [0, 1, 4, 5, 40, bytes.length - 4, bytes.length - 1]) {
      expect(decodeIndexSnapshot(bytes.slice(0, cut)), `cut at ${cut}`).toMatchObject({ ok: false, error: { code: 'E_SEARCH_INDEX_INVALID' } });
    }
  });

  it('E_SEARCH_INDEX_INVALID: postings naming a free or missing slot, a bad header, an unknown version', () => {
    const index = new NoteSearchIndex();
    for (const note of notes.slice(0, 50)) index.upsert(note);
    const bytes = encodeIndexSnapshot(index, 's');
    const badSlot = bytes.slice();
    // The last word is a key's slot: point it past every slot.
    new DataView(badSlot.buffer).setUint32(badSlot.length - 4, 1_000_000, true);
    expect(decodeIndexSnapshot(badSlot)).toMatchObject({ ok: false, error: { code: 'E_SEARCH_INDEX_INVALID' } });
    const badJson = bytes.slice();
    badJson[6] = 0xff;
    expect(decodeIndexSnapshot(badJson)).toMatchObject({ ok: false, error: { code: 'E_SEARCH_INDEX_INVALID' } });
    const version = bytes.slice();
    version[0] = 2;
    expect(decodeIndexSnapshot(version)).toMatchObject({ ok: false, error: { code: 'E_SEARCH_INDEX_INVALID' } });
  });

  it('E_SEARCH_INDEX_INVALID: an index made with another taxonomy is rebuilt, not read (labels resolve through it)', () => {
    const index = new NoteSearchIndex();
    for (const note of notes.slice(0, 50)) index.upsert(note);
    const extended = defaultTaxonomy.withTerms({ 'zorbling widget': ['cat'] });
    if (!extended.ok) throw new Error(extended.error.message);
    const read = decodeIndexSnapshot(encodeIndexSnapshot(index, 's'), { taxonomy: extended.taxonomy });
    expect(read).toMatchObject({ ok: false, error: { code: 'E_SEARCH_INDEX_INVALID' } });
  });
});
