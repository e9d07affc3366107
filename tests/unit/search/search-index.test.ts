import { describe, expect, it } from 'vitest';
import { NoteSearchIndex } from '../../../ml/search/search-index.ts';
import { FILLER_SEED, NOTES, buildIndex, ids } from './search-fixture.ts';

describe(`NoteSearchIndex: words (filler seed ${FILLER_SEED})`, () => {
  const index = buildIndex();

  it('"cat" finds the cat note only, not the car', () => {
    expect(ids(index.search('cat'))).toEqual(['cat']);
    expect(ids(index.search('car'))).toEqual(['car']);
  });

  it('"animal" finds the cat note through the taxonomy, and says so', () => {
    const hits = index.search('animal');
    expect(ids(hits)).toEqual(['cat']);
    expect(hits[0]?.matches).toContainEqual(expect.objectContaining({ field: 'broader', term: 'animal', label: 'cat' }));
  });

  it('"cup" and "kitchen" (cup -> tableware -> kitchen) find the coffee note', () => {
    expect(ids(index.search('cup'))).toEqual(['coffee']);
    expect(ids(index.search('kitchen'))).toEqual(['coffee']);
  });

  it('a word of the OCR text finds the page note, with a highlighted snippet', () => {
    const [hit, ...rest] = index.search('grocery');
    expect(rest).toEqual([]);
    expect(hit?.id).toBe('page');
    const match = hit?.matches.find((m) => m.field === 'ocr');
    const snippet = match?.snippet;
    expect(snippet).toBeDefined();
    const range = snippet?.highlights[0];
    expect(snippet?.text.slice(range?.start, range?.end)).toBe('Grocery');
  });

  it('prefix: "moto" finds the motorcycle first, "recei" the receipt', () => {
    // "moto" may also reach a one-typo filler word (fuzzy, 4 letters); the prefix hit ranks first.
    const [first] = index.search('moto');
    expect(first?.id).toBe('moto');
    expect(first?.matches).toContainEqual(expect.objectContaining({ field: 'label', term: 'motorcycle', query: 'moto' }));
    expect(ids(index.search('recei'))).toEqual(['page']);
  });

  it('fuzzy: "recipt" finds the receipt and reports the corrected term', () => {
    const hits = index.search('recipt');
    expect(ids(hits)).toEqual(['page']);
    expect(hits[0]?.matches).toContainEqual(expect.objectContaining({ field: 'ocr', term: 'receipt', query: 'recipt' }));
  });

  it('several words must all match', () => {
    expect(ids(index.search('coffee roadmap'))).toEqual(['coffee']);
    expect(ids(index.search('coffee receipt'))).toEqual([]);
  });

  it('the title outranks the same word in OCR text', () => {
    const local = buildIndex();
    local.upsert({ ...NOTES[1]!, id: 'titled', title: 'Receipt from the garage', labels: [] });
    expect(local.search('receipt').map((h) => h.id)).toEqual(['titled', 'page']);
  });

  it('match reasons carry snippet ranges into the field text', () => {
    const [hit] = index.search('roadmap');
    const match = hit?.matches.find((m) => m.field === 'body');
    const body = NOTES[2]!.body;
    expect(match?.snippet && body.slice(match.snippet.start, match.snippet.end)).toContain('roadmap');
    const h = match?.snippet?.highlights[0];
    expect(match?.snippet?.text.slice(h?.start, h?.end)).toBe('roadmap');
  });
});

describe('NoteSearchIndex: chips', () => {
  const index = buildIndex();

  it('label:motorcycle is an exact label filter', () => {
    const hits = index.search('label:motorcycle');
    expect(ids(hits)).toEqual(['moto']);
    expect(hits[0]?.matches).toContainEqual({ field: 'label', term: 'motorcycle', query: 'label:motorcycle', label: 'motorcycle' });
  });

  it('label: also matches broader terms, and multi-word labels in quotes', () => {
    expect(ids(index.search('label:animal'))).toEqual(['cat']);
    expect(ids(index.search('label:vehicle'))).toEqual(['car', 'moto']);
    expect(ids(index.search('label:"dining table"'))).toEqual(['coffee']);
    expect(ids(index.search('label:dining_table'))).toEqual(['coffee']);
  });

  it('label: is exact: "teddy bear" is no bear', () => {
    const local = new NoteSearchIndex();
    local.upsert({ ...NOTES[0]!, id: 'teddy', labels: [{ label: 'teddy bear', score: 0.5, source: 'model' }] });
    expect(local.search('label:bear')).toEqual([]);
    expect(ids(local.search('label:"teddy bear"'))).toEqual(['teddy']);
  });

  it('label: with words narrows word results', () => {
    expect(ids(index.search('label:vehicle tyres'))).toEqual(['moto']);
    expect(ids(index.search('label:cat tyres'))).toEqual([]);
  });

  it('notebook: narrows, alone or with other chips', () => {
    expect(ids(index.search('label:vehicle notebook:home'))).toEqual(['car', 'moto']);
    expect(ids(index.search('label:vehicle notebook:work'))).toEqual([]);
    expect(ids(index.search('notebook:work'))).toEqual(['coffee', 'page']);
  });

  it('after: is inclusive, before: exclusive, both by local calendar day; newest first without words', () => {
    expect(index.search('notebook:home after:2026-02-03').map((h) => h.id)).toEqual(['moto', 'car']);
    expect(ids(index.search('notebook:home before:2026-02-03'))).toEqual(['cat']);
    expect(ids(index.search('label:vehicle after:2026-03'))).toEqual(['moto']);
    expect(ids(index.search('notebook:work before:2026'))).toEqual(['page']);
    expect(ids(index.search('after:2026-04-01'))).toEqual(['moto']);
  });

  it('an empty query finds nothing (the UI shows the notebook instead)', () => {
    expect(index.search('   ')).toEqual([]);
  });
});

describe('NoteSearchIndex: incremental updates', () => {
  it('upsert adds and replaces, remove deletes, without a rebuild', () => {
    const index = buildIndex();
    const size = index.size;
    index.upsert({ ...NOTES[0]!, id: 'dog', title: 'Rex', labels: [{ label: 'dog', score: 0.7, source: 'model' }] });
    expect(ids(index.search('animal'))).toEqual(['cat', 'dog']);
    expect(index.size).toBe(size + 1);

    // The person removed the wrong label and retitled the note.
    index.upsert({ ...NOTES[0]!, title: 'Blanket', labels: [] });
    expect(ids(index.search('animal'))).toEqual(['dog']);
    expect(ids(index.search('blanket'))).toEqual(['cat']);
    expect(index.search('chelsea')).toEqual([]);

    expect(index.remove('dog')).toBe(true);
    expect(index.remove('dog')).toBe(false);
    expect(index.search('animal')).toEqual([]);
    expect(index.size).toBe(size);
  });

  it('upserting unchanged content keeps results identical', () => {
    const index = buildIndex();
    const before = index.search('coffee');
    index.upsert({ ...NOTES[2]! });
    expect(index.search('coffee')).toEqual(before);
  });
});

describe('NoteSearchIndex: suggest', () => {
  const index = buildIndex();

  it('offers label chips for a partial word and completes phrases', () => {
    const texts = index.suggest('moto').map((s) => s.text);
    expect(texts).toContain('label:motorcycle');
    expect(texts).toContain('motorcycle');
  });

  it('completes a label: chip, broader terms included, keeping what was typed before', () => {
    expect(index.suggest('label:veh').map((s) => s.text)).toEqual(['label:vehicle']);
    expect(index.suggest('notebook:home label:din').map((s) => s.text)).toEqual(['notebook:home label:"dining table"']);
  });
});
