import type { SearchOptions as MiniSearchOptions } from 'minisearch';

/** Indexed fields, in the order scores and match reasons are gathered. */
export const FIELDS = ['title', 'labels', 'broader', 'body', 'ocr', 'maybe'] as const;
export type FieldName = (typeof FIELDS)[number];

/**
 * Title over labels over text: a title is what the person chose to call the note. A "maybe"
 * label is a guess under the tag bar, so it counts least: a note tagged "clock" ranks above
 * one where the detector only thought it might be.
 */
export const BOOST: Readonly<Record<FieldName, number>> = { title: 3, labels: 2, broader: 1.5, body: 1, ocr: 1, maybe: 0.4 };

/** Prefix and fuzzy only for words of 4+ letters (see WORD_SEARCH). */
export const EXPAND_FROM = 4;

/**
 * The ranking, written as MiniSearch search options: TermIndex scores exactly this
 * (BM25+ with MiniSearch's defaults k 1.2, b 0.7, d 0.5), and the differential test runs
 * MiniSearch itself with it as the reference.
 *
 * Note: prefix and fuzzy only for words of 4+ letters. "cat" must not find "car"
 * (one edit) nor "catalog" (prefix); short words are typed whole, and `suggest`
 * completes them. Fuzzy 0.2 allows one typo per 5 letters ("recipt" -> "receipt").
 */
export const WORD_SEARCH = {
  fields: [...FIELDS],
  boost: BOOST,
  combineWith: 'AND',
  prefix: (term: string) => term.length >= EXPAND_FROM,
  fuzzy: (term: string) => (term.length >= EXPAND_FROM ? 0.2 : false),
  maxFuzzy: 2,
  // While typing, a completion ("moto" -> motorcycle) is meant more often than a typo
  // ("moto" -> "boto"); MiniSearch's defaults (prefix 0.375, fuzzy 0.45) rank the other way.
  weights: { prefix: 0.6, fuzzy: 0.25 },
  bm25: { k: 1.2, b: 0.7, d: 0.5 },
} as const satisfies MiniSearchOptions;
