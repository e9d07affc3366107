import type { Snippet, TextRange } from './note-record.ts';
import { tokenSpans } from './tokenize.ts';

/** Characters of context on each side of the first hit. */
const CONTEXT = 40;

/**
 * An excerpt of `text` around the first word whose normalized term is `term` (or one of
 * `term`), with every occurrence of those terms inside the excerpt highlighted. Undefined when the
 * term does not occur (it matched in another field).
 *
 * Note: the excerpt is cut at word boundaries so the UI never shows half a word;
 * `start > 0` / `end < text.length` tell the UI to draw an ellipsis.
 */
export function buildSnippet(text: string, term: string | readonly string[]): Snippet | undefined {
  const terms = new Set(typeof term === 'string' ? [term] : term);
  const spans = tokenSpans(text);
  const first = spans.findIndex((s) => terms.has(s.term));
  if (first < 0) return undefined;
  const hit = spans[first];
  if (!hit) return undefined;

  // Whole words only: the first word starting within the context before the hit, the
  // last word ending within the context after it (the hit itself always qualifies).
  let start = spans.find((s) => s.start >= hit.start - CONTEXT)?.start ?? hit.start;
  let end = hit.end;
  for (const s of spans.slice(first)) {
    if (s.end > hit.end + CONTEXT) break;
    end = s.end;
  }
  // "42.17EUR" is two terms but one word to a reader: widen to the whitespace around.
  while (start > 0 && start > hit.start - 2 * CONTEXT && !/\s/.test(text[start - 1] ?? ' ')) start--;
  while (end < text.length && end < hit.end + 2 * CONTEXT && !/\s/.test(text[end] ?? ' ')) end++;

  const highlights: TextRange[] = [];
  for (const s of spans) {
    if (terms.has(s.term) && s.start >= start && s.end <= end) highlights.push({ start: s.start - start, end: s.end - start });
  }
  return { text: flatten(text.slice(start, end)), start, end, highlights };
}

/** Newlines become spaces (OCR lines) without moving any offset: one char for one char. */
function flatten(excerpt: string): string {
  return excerpt.replace(/\s/g, ' ');
}
