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

/**
 * How a note matched, best first (issue 17 §2): what the note says and the label the
 * detector gave (4), a synonym of a label (3), a broader term (2), text read from the photo
 * (1); a label of several words typed whole is the label (4). A note ranks by its tier before its score. Candidates (labels below the tag
 * threshold, searchable as "maybe") are at 0, below everything; notebook names at 1.
 */
export const TIER = { title: 4, labels: 4, label: 4, body: 4, synonym: 3, broader: 2, ocr: 1, notebook: 1, maybe: 0 } as const satisfies Readonly<Record<FieldName | 'label' | 'synonym' | 'notebook', number>>;
/** Larger than any BM25+ score of one page, so a tier always outranks a better score below it. */
export const TIER_SPAN = 1e6;
/**
 * A label reached through the expansion table counts as a label (boost 2) or broader term (1.5), a
 * label of several words typed whole ("hot dog") as the label (2); a notebook's name as text (1).
 */
export const KEY_BOOST: Readonly<Record<'label' | 'synonym' | 'broader' | 'notebook', number>> = { label: 2, synonym: 2, broader: 1.5, notebook: 1 };

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
