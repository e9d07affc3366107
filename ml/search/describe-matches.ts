import { buildSnippet } from './build-snippet.ts';
import { maybeLabels, type IndexedNote } from './indexed-note.ts';
import type { MatchField, SearchMatch } from './note-record.ts';

/** Index field name -> what the UI calls it. */
const FIELDS: Readonly<Record<string, MatchField>> = { title: 'title', labels: 'label', broader: 'broader', body: 'body', ocr: 'ocr', maybe: 'maybe' };
const ORDER: readonly MatchField[] = ['label', 'broader', 'title', 'body', 'ocr', 'maybe'];

/**
 * Turns the index's match info (indexed term -> fields) into reasons a person can
 * read: which field, which term, from which query word, and where to highlight.
 * Runs only for the hits the UI shows, since it re-tokenizes their text.
 */
export function describeMatches(note: IndexedNote, match: Readonly<Record<string, readonly string[]>>, queryTerms: readonly string[]): SearchMatch[] {
  const out: SearchMatch[] = [];
  for (const [term, fields] of Object.entries(match)) {
    const query = queryTermFor(term, queryTerms);
    for (const name of fields) {
      const field = FIELDS[name];
      const described = field && describeOne(note, field, term, query);
      if (described) out.push(described);
    }
  }
  return out.sort((a, b) => ORDER.indexOf(a.field) - ORDER.indexOf(b.field));
}

function describeOne(note: IndexedNote, field: MatchField, term: string, query: string): SearchMatch | undefined {
  const { record } = note;
  switch (field) {
    case 'title':
    case 'body':
    case 'ocr': {
      const text = field === 'ocr' ? record.ocrText : record[field];
      return { field, term, query, snippet: buildSnippet(text, term) };
    }
    case 'label':
      for (const { label } of record.labels) {
        const snippet = buildSnippet(label, term);
        if (snippet) return { field, term, query, label, snippet };
      }
      return undefined;
    case 'maybe':
      for (const label of maybeLabels(record)) {
        const snippet = buildSnippet(label, term);
        if (snippet) return { field, term, query, label, snippet };
      }
      return undefined;
    case 'broader':
      for (const [broader, label] of note.broader) {
        const snippet = buildSnippet(broader, term);
        if (snippet) return { field, term, query, label, snippet };
      }
      return undefined;
  }
}

/**
 * Which query word found `term`: itself, else the longest word it starts with
 * (prefix), else the nearest by edit distance (fuzzy). MiniSearch reports both
 * lists but not the pairing.
 */
function queryTermFor(term: string, queryTerms: readonly string[]): string {
  if (queryTerms.includes(term)) return term;
  const prefixes = queryTerms.filter((q) => term.startsWith(q)).sort((a, b) => b.length - a.length);
  if (prefixes[0] !== undefined) return prefixes[0];
  let best = queryTerms[0] ?? term;
  let bestDistance = Infinity;
  for (const q of queryTerms) {
    const d = editDistance(q, term);
    if (d < bestDistance) [best, bestDistance] = [q, d];
  }
  return best;
}

/** Levenshtein distance; query words are short, so the quadratic table is tiny. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
