import { describe, expect, it } from 'vitest';
import type { NoteRecord } from '../../../ml/search/note-record.ts';
import { NoteSearchIndex } from '../../../ml/search/search-index.ts';

const note = (id: string, notebookId: string, labels: string[], title = ''): NoteRecord => ({
  id,
  notebookId,
  title,
  body: '',
  labels: labels.map((label) => ({ label, score: 0.8, source: 'model' as const })),
  ocrText: '',
  createdAt: Date.UTC(2026, 10, 1),
});

describe('search covers notebook names (issue 17 §2)', () => {
  const index = new NoteSearchIndex();
  index.upsert(note('crete-cat', 'hol', ['cat']));
  index.upsert(note('crete-boat', 'hol', ['boat']));
  index.upsert(note('work-cat', 'work', ['cat']));
  index.upsert(note('titled', 'work', [], 'Crete plans'));
  index.setNotebookNames(new Map([['hol', 'Holiday in Crete'], ['work', 'Work']]));

  it('a word of a notebook name finds that notebook\'s notes, ranked below a note that says it', () => {
    const hits = index.search('crete').map((h) => h.id);
    expect(hits[0]).toBe('titled');
    expect(hits.slice(1).sort()).toEqual(['crete-boat', 'crete-cat']);
  });

  it('with other words it narrows like any word: "crete kitty" is the cat of that notebook', () => {
    expect(index.search('crete kitty').map((h) => h.id)).toEqual(['crete-cat']);
  });

  it('says why: the notebook name, with the word marked', () => {
    const hit = index.search('holiday').find((h) => h.id === 'crete-cat');
    const reason = hit?.matches.find((m) => m.field === 'notebook');
    expect(reason?.snippet?.text).toBe('Holiday in Crete');
    expect(reason?.snippet?.highlights).toEqual([{ start: 0, end: 7 }]);
  });

  it('follows a rename without re-indexing the notes', () => {
    const local = new NoteSearchIndex();
    local.upsert(note('a', 'nb', ['cat']));
    local.setNotebookNames(new Map([['nb', 'Garden']]));
    expect(local.search('garden').map((h) => h.id)).toEqual(['a']);
    local.setNotebookNames(new Map([['nb', 'Balcony']]));
    expect(local.search('garden')).toEqual([]);
    expect(local.search('balcony').map((h) => h.id)).toEqual(['a']);
  });
});
