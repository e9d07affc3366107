/**
 * One tokenizer for indexing, querying and highlighting, so a highlighted range is
 * always exactly a term the index matched.
 *
 * Note: words are runs of letters and digits (any script). Anything else splits,
 * including apostrophes and dots, so "42.17EUR" gives "42" and "17eur"; OCR text
 * (ARCHITECTURE §5) often lacks spaces and prefix search is what finds its words.
 */
const WORD = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}+/gu;

/** Lower case without diacritics: "Café" and "cafe" are one term. */
export function normalizeTerm(token: string): string {
  const lower = token.toLowerCase();
  // Only decompose when there is something to strip: NFD costs on every indexed word.
  return /[^\u0000-\u007f]/.test(lower) ? lower.normalize('NFD').replace(MARKS, '') : lower;
}

/** Normalized terms of a text, in order, duplicates kept (BM25 counts them). */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(WORD)) terms.push(normalizeTerm(match[0]));
  return terms;
}

export interface TokenSpan {
  readonly term: string;
  /** UTF-16 offsets into the original text, end exclusive. */
  readonly start: number;
  readonly end: number;
}

/** Terms with where they sit in the original text, for highlighting. */
export function tokenSpans(text: string): TokenSpan[] {
  const spans: TokenSpan[] = [];
  for (const match of text.matchAll(WORD)) {
    spans.push({ term: normalizeTerm(match[0]), start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

/**
 * A label as the filter and taxonomy compare it: "Cell_Phone", "cell-phone" and
 * " cell  phone" are all "cell phone" (label files and people spell it differently).
 */
export function normalizeLabel(label: string): string {
  // Commas survive: ImageNet label files list synonyms as "tabby, tabby cat".
  return label
    .split(',')
    .map((part) => tokenize(part).join(' '))
    .filter((part) => part !== '')
    .join(', ');
}
