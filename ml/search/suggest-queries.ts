import { normalizeLabel } from './tokenize.ts';

/** `text` is the whole new content of the search box, ready to put there. */
export interface Suggestion {
  readonly text: string;
  readonly kind: 'label' | 'words';
  readonly score: number;
}

/** The free words typed, with the last one completed; best first. */
export interface PhraseSuggestion {
  readonly suggestion: string;
  readonly score: number;
}

export interface SuggestSources {
  /** Label or broader term -> the notes carrying it (only the count is used). */
  readonly labelNotes: ReadonlyMap<string, ReadonlySet<string>>;
  /** At most `limit` completions of the free words' last word, from the notes. */
  completePhrase(words: string, limit: number): PhraseSuggestion[];
}

const TOKEN = /\w+:"[^"]*"?|"[^"]*"?|\S+/g;
const CHIP = /^(label|notebook|after|before):/i;
/** Label chips offered beside word phrases when the last word is not a chip yet. */
const LABELS_BESIDE_WORDS = 3;

/**
 * Completions of what is typed: `label:ca` -> `label:cat`; `ca` -> `label:cat`,
 * `label:car`, then phrases completed from the notes themselves. Chips
 * already typed are kept (moved before the words).
 */
export function suggestQueries(text: string, limit: number, sources: SuggestSources): Suggestion[] {
  const tokens = text.match(TOKEN) ?? [];
  const last = /\s$/.test(text) ? '' : (tokens.pop() ?? '');
  const head = tokens.join(' ');
  const prefixWith = (s: string) => (head === '' ? s : `${head} ${s}`);

  if (/^label:/i.test(last)) {
    const partial = normalizeLabel(last.slice('label:'.length).replace(/"/g, ''));
    return labelsStartingWith(partial, sources.labelNotes, limit).map((s) => ({ ...s, text: prefixWith(s.text) }));
  }
  if (last === '' || CHIP.test(last)) return [];

  const partial = normalizeLabel(last);
  const labels = labelsStartingWith(partial, sources.labelNotes, Math.min(LABELS_BESIDE_WORDS, limit)).map((s) => ({ ...s, text: prefixWith(s.text) }));
  // One or two letters would expand to most of the vocabulary; wait for a third.
  if (partial.length < 2) return labels;

  const chips = tokens.filter((t) => CHIP.test(t));
  const words = [...tokens.filter((t) => !CHIP.test(t)), last].join(' ');
  const phrases = sources
    .completePhrase(words, limit - labels.length)
    .map((s): Suggestion => ({ text: [...chips, s.suggestion].join(' '), kind: 'words', score: s.score }));
  return [...labels, ...phrases];
}

function labelsStartingWith(partial: string, labels: ReadonlyMap<string, ReadonlySet<string>>, limit: number): Suggestion[] {
  const found: Suggestion[] = [];
  for (const [label, notes] of labels) {
    // Comma labels are a classifier's synonym lists; their parts are offered one by one.
    if (label.startsWith(partial) && !label.includes(', ')) found.push({ text: chip(label), kind: 'label', score: notes.size });
  }
  return found.sort((a, b) => b.score - a.score || a.text.localeCompare(b.text)).slice(0, limit);
}

function chip(label: string): string {
  return label.includes(' ') ? `label:"${label}"` : `label:${label}`;
}
