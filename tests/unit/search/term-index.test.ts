import MiniSearch, { type SearchResult } from 'minisearch';
import { describe, expect, it } from 'vitest';
import { type IndexDocument, indexNote } from '../../../ml/search/indexed-note.ts';
import type { NoteRecord } from '../../../ml/search/note-record.ts';
import { FIELDS, type FieldName, WORD_SEARCH } from '../../../ml/search/search-options.ts';
import { defaultTaxonomy } from '../../../ml/search/taxonomy.ts';
import { type TermQuery, TermIndex } from '../../../ml/search/term-index.ts';
import { TopK } from '../../../ml/search/top-k.ts';
import { tokenize } from '../../../ml/search/tokenize.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { buildIndex } from './search-fixture.ts';
import { syntheticNotes } from '../../bench/search/synthetic-notes.ts';

const SEED = testSeed();
const LABELS = ['person', 'cat', 'dog', 'car', 'cup', 'bicycle', 'pizza', 'laptop', 'cell phone', 'dining table'];
const toDoc = (note: NoteRecord): IndexDocument => indexNote(note, (l) => defaultTaxonomy.broaderTerms(l), (w) => defaultTaxonomy.has(w)).doc;

/** The slow path: MiniSearch itself, with the options TermIndex claims to rank by. */
function reference(): MiniSearch<IndexDocument> {
  return new MiniSearch<IndexDocument>({ fields: [...FIELDS], tokenize, processTerm: (term) => term });
}

function referenceSearch(mini: MiniSearch<IndexDocument>, query: TermQuery): SearchResult[] {
  return mini.search(query.words.join(' '), { ...WORD_SEARCH, fields: [...(query.fields ?? FIELDS)], ...(query.fuzzy === false ? { fuzzy: false } : {}) });
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Same hits, scores, match reasons and order as MiniSearch (ties may swap: same score). */
function expectSameAsReference(index: TermIndex, mini: MiniSearch<IndexDocument>, query: TermQuery, limit: number): void {
  const expected = referenceSearch(mini, query);
  const { hits, total } = index.search(query, limit);
  const label = JSON.stringify(query);
  expect(total, label).toBe(expected.length);
  expect(hits.length, label).toBe(Math.min(limit, expected.length));
  const byId = new Map(expected.map((r) => [r.id as string, r]));
  hits.forEach((hit, i) => {
    const ref = byId.get(hit.id);
    expect(ref, `${label}: ${hit.id} is not a MiniSearch hit`).toBeDefined();
    expect(close(hit.score, ref?.score ?? NaN), `${label}: score of ${hit.id}`).toBe(true);
    expect(close(hit.score, expected[i]?.score ?? NaN), `${label}: rank ${i}`).toBe(true);
    expect(hit.match, `${label}: match of ${hit.id}`).toEqual(ref?.match);
    expect(hit.queryTerms, label).toEqual(ref?.queryTerms);
  });
}

function randomQueries(vocabulary: readonly string[], random: () => number, count: number): TermQuery[] {
  const word = (lo: number, hi: number) => vocabulary[lo + Math.floor(random() * (Math.min(hi, vocabulary.length) - lo))] as string;
  const typo = (w: string) => {
    const i = Math.floor(random() * w.length);
    return w.slice(0, i) + 'x' + w.slice(i + 1);
  };
  const kinds: (() => TermQuery)[] = [
    () => ({ words: [word(0, 50)] }),
    () => ({ words: [word(0, 2_000)] }),
    () => ({ words: [word(0, 500).slice(0, 4)] }),
    () => ({ words: [word(0, 500).slice(0, 4)], fuzzy: false }),
    () => ({ words: [typo(word(0, 2_000))] }),
    () => ({ words: [word(0, 100), word(0, 1_000)] }),
    () => ({ words: [word(0, 30), word(0, 30).slice(0, 5), typo(word(0, 30))] }),
    () => ({ words: [word(0, 20), word(0, 20)], fields: ['title', 'body', 'ocr'] as FieldName[] }),
    () => ({ words: tokenize(LABELS[Math.floor(random() * LABELS.length)] as string) }),
    () => ({ words: [['animal', 'vehicle', 'food', 'kitchen'][Math.floor(random() * 4)] as string, word(0, 200)] }),
    () => ({ words: ['nothinglikethis'] }),
  ];
  return Array.from({ length: count }, (_, i) => (kinds[i % kinds.length] as () => TermQuery)());
}

describe(`TermIndex ranks as MiniSearch does (seed ${SEED}; OBSCURA_SEED replays)`, () => {
  const random = seededRandom(SEED);
  const { notes, vocabulary } = syntheticNotes({ count: 1_500, seed: SEED, vocabulary: 3_000, labels: LABELS });
  const index = new TermIndex();
  const mini = reference();
  const docs = new Map<string, IndexDocument>();
  for (const note of notes) {
    const doc = toDoc(note);
    docs.set(doc.id, doc);
    index.add(doc);
    mini.add(doc);
  }

  it('same hits, scores, order and match reasons for random words, prefixes, typos and AND queries', () => {
    for (const query of randomQueries(vocabulary, random, 120)) {
      expectSameAsReference(index, mini, query, 20);
      expectSameAsReference(index, mini, query, Infinity);
    }
  });

  it('still the same after random edits, removals and additions (incremental, no rebuild)', () => {
    const ids = [...docs.keys()];
    for (let i = 0; i < 300; i++) {
      const id = ids[Math.floor(random() * ids.length)] as string;
      const old = docs.get(id);
      const r = random();
      if (old) {
        index.remove(old);
        mini.remove(old);
        docs.delete(id);
        if (r < 0.5) continue;
      }
      const base = notes[Math.floor(random() * notes.length)] as NoteRecord;
      const doc = toDoc({ ...base, id, title: `${base.title} ${vocabulary[Math.floor(random() * 300)]}` });
      index.add(doc);
      mini.add(doc);
      docs.set(id, doc);
    }
    expect(index.size).toBe(mini.documentCount);
    for (const query of randomQueries(vocabulary, random, 60)) expectSameAsReference(index, mini, query, 20);
  });

  it('the same when a prefix reaches thousands of terms (numbered notes: "grid" -> grid0 ... grid1999)', () => {
    const local = new TermIndex();
    const numbered = reference();
    for (let i = 0; i < 2_000; i++) {
      const doc = toDoc({ ...(notes[i % notes.length] as NoteRecord), id: `g${i}`, title: `Grid ${i}`, body: `grid${i} ${vocabulary[i % 50]}` });
      local.add(doc);
      numbered.add(doc);
    }
    for (const words of [['grid'], ['grid1'], ['grid', 'grid12'], ['grid', vocabulary[3] as string], ['gird']]) {
      for (const fuzzy of [false, true]) {
        expectSameAsReference(local, numbered, { words, fuzzy }, 50);
        expectSameAsReference(local, numbered, { words, fuzzy }, 600);
      }
    }
  });

  it('a removed note is gone from every term, and its id can come back', () => {
    const local = new TermIndex();
    const a = toDoc({ ...(notes[0] as NoteRecord), id: 'a', title: 'quokka parade' });
    local.add(a);
    expect(local.search({ words: ['quokka'] }, 10).hits.map((h) => h.id)).toEqual(['a']);
    expect(local.remove(a)).toBe(true);
    expect(local.remove(a)).toBe(false);
    expect(local.size).toBe(0);
    expect(local.search({ words: ['quokka'] }, 10)).toEqual({ hits: [], total: 0 });
    expect(local.completions('quo', 5)).toEqual([]);
    local.add({ ...a, title: 'quokkas again' });
    expect(local.search({ words: ['quokka'] }, 10).hits.map((h) => h.id)).toEqual(['a']);
    expect(() => local.add(a)).toThrow(/already indexed/);
  });

  it('a filter: the best page of the notes that pass, the filter asked only about notes that matched', () => {
    const query: TermQuery = { words: [vocabulary[0] as string] };
    const all = referenceSearch(mini, query);
    const asked = new Set<string>();
    const even = (id: string) => asked.add(id) && Number(id.slice(1)) % 2 === 0;
    const { hits, total } = index.search(query, 10, even);
    expect(total).toBe(all.length);
    expect([...asked].every((id) => all.some((r) => r.id === id))).toBe(true);
    expect(hits.map((h) => h.id).every(even)).toBe(true);
    expect(hits.map((h) => h.score)).toEqual(all.filter((r) => even(r.id as string)).slice(0, 10).map((r) => expect.closeTo(r.score, 9)));
  });
});

describe('NoteSearchIndex suggestions (bounded: completions of the last word from the index)', () => {
  it('completes the last word among the notes that have the words before it, else by a typo', () => {
    const index = buildIndex();
    expect(index.suggest('coffee road').map((s) => s.text)).toContain('coffee roadmap');
    expect(index.suggest('receipt road').map((s) => s.text)).not.toContain('receipt roadmap');
    expect(index.suggest('motorcyle').map((s) => s.text)).toContain('motorcycle');
    expect(index.suggest('notebook:work grocer').map((s) => s.text)).toContain('notebook:work grocery');
  });
});

describe(`TopK (seed ${SEED})`, () => {
  it('keeps the best of a stream, best first, ties by order: the same as sorting everything', () => {
    const random = seededRandom(SEED);
    for (const limit of [0, 1, 5, 50, 1_000, Infinity]) {
      const items = Array.from({ length: 500 }, (_, i) => ({ slot: i, score: Math.floor(random() * 40), order: i }));
      const top = new TopK(limit);
      for (const item of items) top.offer(item.slot, item.score, item.order);
      const expected = [...items].sort((a, b) => b.score - a.score || a.order - b.order).slice(0, limit);
      expect(top.sorted()).toEqual(expected);
    }
  });
});
