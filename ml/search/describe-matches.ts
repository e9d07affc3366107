import { buildSnippet } from './build-snippet.ts';
import { maybeLabels, type IndexedNote } from './indexed-note.ts';
import type { MatchField, SearchMatch, Snippet } from './note-record.ts';
import { EXPAND_FROM } from './search-options.ts';
import { tokenize } from './tokenize.ts';

/** Index field name (and label-key kind) -> what the UI calls it. */
const FIELDS: Readonly<Record<string, MatchField>> = { title: 'title', labels: 'label', label: 'label', synonym: 'synonym', broader: 'broader', broaderKey: 'broader', body: 'body', ocr: 'ocr', notebook: 'notebook', maybe: 'maybe' };
const ORDER: readonly MatchField[] = ['label', 'synonym', 'broader', 'title', 'body', 'ocr', 'notebook', 'maybe'];

/**
 * Turns the index's match info (indexed term -> fields) into reasons a person can
 * read: which field, which term, from which query word, and where to highlight.
 * Each reason once: one per label and kind, one excerpt per text field with every
 * matched word marked in it (a prefix reaching "receipt" and "receipts" is one reason).
 * Runs only for the hits the UI shows, since it re-tokenizes their text.
 */
export function describeMatches(
  note: IndexedNote,
  match: Readonly<Record<string, readonly string[]>>,
  queryTerms: readonly string[],
  via: Readonly<Record<string, string>> = {},
  notebookName = '',
): SearchMatch[] {
  const textTerms = new Map<'title' | 'body' | 'ocr', { terms: string[]; query: string }>();
  const out: SearchMatch[] = [];
  for (const [term, fields] of Object.entries(match)) {
    for (const name of fields) {
      const field = FIELDS[name];
      if (field === 'title' || field === 'body' || field === 'ocr') {
        const entry = textTerms.get(field);
        if (entry) entry.terms.push(term);
        else textTerms.set(field, { terms: [term], query: queryTermFor(term, queryTerms) });
        continue;
      }
      const query = via[term] ?? queryTermFor(term, queryTerms);
      if (field === 'notebook') {
        const snippet = buildSnippet(notebookName, tokensStarting(notebookName, query));
        if (snippet) out.push({ field, term: query, query, snippet });
        continue;
      }
      const described = field && describeLabel(note, name, term, query);
      if (described) out.push(described);
    }
  }
  for (const [field, { terms, query }] of textTerms) {
    const text = field === 'ocr' ? note.record.ocrText : note.record[field];
    const snippet = buildSnippet(text, terms);
    if (!snippet) continue;
    const first = snippet.start + (snippet.highlights[0]?.start ?? 0);
    out.push({ field, term: terms[0] ?? '', query, snippet, ...(field === 'ocr' ? { line: lineAt(text, first) } : {}) });
  }
  return distinct(out).sort((a, b) => ORDER.indexOf(a.field) - ORDER.indexOf(b.field));
}

/** A label, synonym or broader match, named by the note's own label it reached. */
function describeLabel(note: IndexedNote, name: string, term: string, query: string): SearchMatch | undefined {
  switch (name) {
    case 'labels':
      for (const { label } of note.record.labels) {
        const snippet = buildSnippet(label, term);
        if (snippet) return { field: 'label', term, query, label, snippet };
      }
      return undefined;
    case 'maybe':
      for (const label of maybeLabels(note.record)) {
        const snippet = buildSnippet(label, term);
        if (snippet) return { field: 'maybe', term, query, label, snippet };
      }
      return undefined;
    case 'broader':
      for (const [broader, label] of note.broader) {
        const snippet = buildSnippet(broader, term);
        if (snippet) return { field: 'broader', term, query, label, snippet };
      }
      return undefined;
    case 'label': {
      // A label of several words typed whole: `term` is its key, every word of it marked.
      const label = note.labels.get(term);
      return label === undefined ? undefined : { field: 'label', term, query, label, ...snippetOf(buildSnippet(label, term.split(' '))) };
    }
    case 'synonym':
    case 'broaderKey': {
      // `term` is the label key the table reached; the reason names the word typed.
      const label = note.labels.get(term) ?? note.broader.get(term);
      return label === undefined ? undefined : { field: name === 'synonym' ? 'synonym' : 'broader', term: query, query, label };
    }
    default:
      return undefined;
  }
}

const snippetOf = (snippet: Snippet | undefined): { snippet?: Snippet } => (snippet ? { snippet } : {});

/** One reason per (field, label) or text excerpt: the first, which is the best-ranked term. */
function distinct(matches: readonly SearchMatch[]): SearchMatch[] {
  const seen = new Set<string>();
  return matches.filter((m) => {
    const key = m.label !== undefined ? `${m.field}\u0000${m.label}` : `${m.field}\u0000${m.snippet?.start ?? ''}\u0000${m.snippet?.text ?? m.term}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The terms of `text` that `word` is or begins (a notebook name matched by a typed prefix). */
function tokensStarting(text: string, word: string): string[] {
  return tokenize(text).filter((t) => t === word || (word.length >= EXPAND_FROM && t.startsWith(word)));
}

/** Which line of `text` offset `at` is on (OCR lines are joined by newlines, in order). */
export function lineAt(text: string, at: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
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
