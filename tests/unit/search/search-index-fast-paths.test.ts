import { describe, expect, it } from 'vitest';
import type { NoteRecord } from '../../../ml/search/note-record.ts';
import { NoteSearchIndex } from '../../../ml/search/search-index.ts';

const note = (i: number, extra: Partial<NoteRecord> = {}): NoteRecord => ({
  id: `n${String(i).padStart(4, '0')}`,
  notebookId: i % 2 === 0 ? 'even' : 'odd',
  title: `Note ${i}`,
  body: '',
  labels: [],
  ocrText: '',
  createdAt: 1_700_000_000_000 + i * 60_000,
  ...extra,
});
const cat = [{ label: 'cat', score: 0.6, source: 'model' as const }];

describe('NoteSearchIndex fast paths (same answers, less work)', () => {
  it('a label chip on a large set walks the newest notes: newest first, and it sees adds, removals and re-dated notes', () => {
    const index = new NoteSearchIndex();
    for (let i = 0; i < 1_000; i++) index.upsert(note(i, { labels: i % 3 === 0 ? cat : [] }));
    const ids = (q: string, limit = 5) => index.search(q, { limit }).map((h) => h.id);
    expect(ids('label:cat')).toEqual(['n0999', 'n0996', 'n0993', 'n0990', 'n0987']);
    // A broader term of the label, with a notebook chip on top.
    expect(ids('label:animal notebook:even')).toEqual(['n0996', 'n0990', 'n0984', 'n0978', 'n0972']);

    index.upsert(note(5_000, { labels: cat }));
    expect(ids('label:cat', 2)).toEqual(['n5000', 'n0999']);
    index.remove('n5000');
    index.upsert(note(999, { labels: cat, createdAt: 0 }));
    expect(ids('label:cat', 2)).toEqual(['n0996', 'n0993']);
    expect(ids('label:cat', 1_000).at(-1)).toBe('n0999');
    // Date chips alone take the same walk.
    expect(ids(`after:${new Date(note(998).createdAt).getFullYear()}`, 2)).toEqual(['n0998', 'n0997']);
  });

  it('a word that tags many notes: notes that say it come first, then the tagged ones newest first, each saying why', () => {
    const index = new NoteSearchIndex();
    for (let i = 0; i < 1_000; i++) index.upsert(note(i, { labels: i % 2 === 0 ? [{ label: 'car', score: 0.7, source: 'model' }] : [] }));
    index.upsert(note(5, { body: 'the vehicle registration is due' }));
    index.upsert(note(7, { title: 'Vehicle insurance', labels: [{ label: 'car', score: 0.7, source: 'model' }] }));
    const hits = index.search('vehicle', { limit: 5 });
    expect(hits.map((h) => h.id)).toEqual(['n0007', 'n0005', 'n0998', 'n0996', 'n0994']);
    expect(hits[0]?.matches.map((m) => m.field)).toEqual(['broader', 'title']);
    expect(hits[1]?.matches.map((m) => m.field)).toEqual(['body']);
    expect(hits[2]?.matches).toEqual([{ field: 'broader', term: 'vehicle', query: 'vehicle', label: 'car' }]);
    // Chips still narrow it.
    expect(index.search('vehicle notebook:odd', { limit: 3 }).map((h) => h.id)).toEqual(['n0007', 'n0005']);
    // With every hit wanted the ordinary ranking runs, and finds the same notes.
    expect(index.search('vehicle', { limit: Infinity })).toHaveLength(502);
  });

  it('typo tolerance only when the words as typed do not fill the page', () => {
    const index = new NoteSearchIndex();
    index.upsert(note(1, { body: 'the receipt from the bakery' }));
    index.upsert(note(2, { body: 'receipts for the tax office' }));
    index.upsert(note(3, { body: 'a recipe for bread' }));
    // "recipe" is one edit from "recipt" as well as "receipt" ("receipts" is two): with room on the page, typos count.
    expect(index.search('recipt', { limit: 50 }).map((h) => h.id).sort()).toEqual(['n0001', 'n0003']);
    // "receipt" and its completion "receipts" fill a page of two; "recipe" (a typo away) is not needed.
    expect(index.search('receipt', { limit: 2 }).map((h) => h.id).sort()).toEqual(['n0001', 'n0002']);
    expect(index.search('receipt', { limit: 50 }).map((h) => h.id)).not.toContain('n0003');
    // No exact or prefix hit at all: the typo is still found.
    expect(index.search('bakerry', { limit: 1 }).map((h) => h.id)).toEqual(['n0001']);
  });
});
