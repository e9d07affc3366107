import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../../ml/search/parse-search-query.ts';
import { buildSnippet } from '../../../ml/search/build-snippet.ts';

describe('parseSearchQuery', () => {
  it('splits free words from chips', () => {
    const q = parseSearchQuery('Whiteboard label:Cat roadmap notebook:nb-1 label:"cell phone" after:2026-01-01 before:2026-02');
    expect(q.words).toEqual(['whiteboard', 'roadmap']);
    expect(q.labels).toEqual(['cat', 'cell phone']);
    expect(q.notebooks).toEqual(['nb-1']);
    expect(q.after).toBe(new Date(2026, 0, 1).getTime());
    expect(q.before).toBe(new Date(2026, 1, 1).getTime());
    expect(q.invalid).toEqual([]);
  });

  it('treats unknown keys as words and reports chips it cannot read', () => {
    const q = parseSearchQuery('meet at 12:30 after:2026-02-31 label:');
    expect(q.words).toEqual(['meet', 'at', '12', '30']);
    expect(q.invalid.map((i) => i.token)).toEqual(['after:2026-02-31', 'label:']);
    expect(q.after).toBeUndefined();
  });

  it('keeps the narrowest of repeated date chips', () => {
    const q = parseSearchQuery('after:2025 after:2026-03-01 before:2027 before:2026-06');
    expect(q.after).toBe(new Date(2026, 2, 1).getTime());
    expect(q.before).toBe(new Date(2026, 5, 1).getTime());
  });
});

describe('buildSnippet', () => {
  it('cuts at whole words around the hit and highlights every occurrence inside', () => {
    const text = `${'lorem ipsum '.repeat(10)}the receipt, a Receipt again\n${'dolor '.repeat(20)}`;
    const s = buildSnippet(text, 'receipt');
    expect(s).toBeDefined();
    if (!s) return;
    expect(text.slice(s.start, s.end).replace(/\s/g, ' ')).toBe(s.text);
    expect(s.start).toBeGreaterThan(0);
    expect(s.end).toBeLessThan(text.length);
    expect(s.highlights.map((h) => s.text.slice(h.start, h.end))).toEqual(['receipt', 'Receipt']);
    expect(/^\w/.test(s.text) && /\w$/.test(s.text)).toBe(true);
    expect(text[s.start - 1]).toBe(' ');
  });

  it('is undefined when the term is not in the text', () => {
    expect(buildSnippet('nothing here', 'receipt')).toBeUndefined();
  });
});
