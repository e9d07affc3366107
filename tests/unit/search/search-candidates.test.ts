import { describe, expect, it } from 'vitest';
import type { NoteRecord } from '../../../ml/search/note-record.ts';
import { NoteSearchIndex } from '../../../ml/search/search-index.ts';

const note = (id: string, tags: string[], maybe: string[], title = ''): NoteRecord =>
  ({
    id,
    notebookId: 'home',
    title,
    body: '',
    labels: tags.map((label) => ({ label, score: 0.5, source: 'model' as const })),
    candidates: maybe.map((label) => ({ label, score: 0.15, source: 'model' as const })),
    ocrText: '',
    createdAt: 1_700_000_000_000,
  }) as NoteRecord;

describe('search finds "maybe" candidates, ranked lower and marked (issue 16 §1)', () => {
  const index = new NoteSearchIndex();
  index.upsert(note('sure', ['clock'], []));
  index.upsert(note('maybe', ['person'], ['clock']));
  index.upsert(note('none', ['person'], []));

  it('a word finds the candidate after the tag, with a "maybe" match', () => {
    const hits = index.search('clock');
    expect(hits.map((h) => h.id)).toEqual(['sure', 'maybe']);
    expect(hits[0]!.matches.map((m) => m.field)).toEqual(['label']);
    expect(hits[1]!.matches.map((m) => [m.field, m.label])).toEqual([['maybe', 'clock']]);
  });

  it('a label: chip and the label list are tags only', () => {
    expect(index.search('label:clock').map((h) => h.id)).toEqual(['sure']);
  });

  it('a re-tag that turns the candidate into nothing takes it out of the index', () => {
    const local = new NoteSearchIndex();
    local.upsert(note('maybe', ['person'], ['clock']));
    expect(local.search('clock')).toHaveLength(1);
    local.upsert(note('maybe', ['person'], []));
    expect(local.search('clock')).toHaveLength(0);
  });
});
