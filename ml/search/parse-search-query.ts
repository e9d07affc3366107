import { normalizeLabel, tokenize } from './tokenize.ts';

/**
 * What one search box means: free words plus chips. `label:cat`, `label:"cell phone"`,
 * `notebook:<id>`, `after:2026-01-01`, `before:2026-02`. Unknown `key:value` tokens
 * are words ("12:30" is a time someone wrote, not a filter).
 */
export interface SearchQuery {
  /** Normalized terms; every one must match (AND). */
  readonly words: readonly string[];
  /** Normalized labels; every one must be a label or broader term of the note. */
  readonly labels: readonly string[];
  /** Notebook ids; the note must be in one of them. */
  readonly notebooks: readonly string[];
  /** createdAt >= after (inclusive, start of that day in local time). */
  readonly after?: number;
  /** createdAt < before (exclusive, start of that day in local time). */
  readonly before?: number;
  /** Chips that could not be read, so the UI can mark them instead of ignoring them. */
  readonly invalid: readonly { readonly token: string; readonly reason: string }[];
}

// key:"quoted value" | key:value | "quoted words" | word
const TOKEN = /(\w+):"([^"]*)"?|(\w+):(\S*)|"([^"]*)"?|(\S+)/g;

export function parseSearchQuery(text: string): SearchQuery {
  const words: string[] = [];
  const labels: string[] = [];
  const notebooks: string[] = [];
  const invalid: { token: string; reason: string }[] = [];
  let after: number | undefined;
  let before: number | undefined;

  for (const m of text.matchAll(TOKEN)) {
    const key = (m[1] ?? m[3])?.toLowerCase();
    const value = m[2] ?? m[4];
    if (key === undefined || value === undefined || !['label', 'notebook', 'after', 'before'].includes(key)) {
      words.push(...tokenize(m[0]));
      continue;
    }
    if (key === 'label') {
      const label = normalizeLabel(value);
      if (label === '') invalid.push({ token: m[0], reason: 'empty label' });
      else labels.push(label);
    } else if (key === 'notebook') {
      if (value === '') invalid.push({ token: m[0], reason: 'empty notebook id' });
      else notebooks.push(value);
    } else {
      const day = parseDay(value);
      if (day === undefined) invalid.push({ token: m[0], reason: 'expected a date like 2026-01-31, 2026-01 or 2026' });
      // Two `after:` chips: the later one wins, as both must hold.
      else if (key === 'after') after = Math.max(after ?? day, day);
      else before = Math.min(before ?? day, day);
    }
  }
  return { words, labels: [...new Set(labels)], notebooks: [...new Set(notebooks)], after, before, invalid };
}

/** Start of a day, month or year in local time: people mean their own calendar day. */
function parseDay(value: string): number | undefined {
  const m = /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$/.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const date = new Date(year, month - 1, day);
  // new Date rolls 2026-02-31 over to March; a typo should be reported, not moved.
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) return undefined;
  return date.getTime();
}

/** Whether the query asks for anything at all. */
export function isEmptyQuery(query: SearchQuery): boolean {
  return query.words.length === 0 && query.labels.length === 0 && query.notebooks.length === 0 && query.after === undefined && query.before === undefined;
}
