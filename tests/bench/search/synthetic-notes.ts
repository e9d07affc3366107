import type { NoteLabel, NoteRecord } from '../../../ml/search/note-record.ts';
import { seededRandom } from '../../helpers/seeded-random.ts';

/**
 * Pseudo-words with no c, m or r, so filler text can never match the real words the
 * unit tests look for (cat, car, cup, receipt, motorcycle) even with prefix or fuzzy.
 * 80 syllables and mostly 3-4 of them per word keep the vocabulary about as sparse in
 * edit distance as English, so fuzzy search expands to a realistic number of terms.
 */
const SYLLABLES = [...'bdfghjklnpstvwyz'].flatMap((c) => [...'aeiou'].map((v) => c + v));

export function syntheticVocabulary(size: number, random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const r = random();
    const n = r < 0.2 ? 2 : r < 0.7 ? 3 : 4;
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

/** Zipf-like sampler (weight 1/rank): a few words are everywhere, most are rare, like real text. */
export function zipfSampler(items: readonly string[], random: () => number): () => string {
  const cdf: number[] = [];
  let total = 0;
  for (let i = 0; i < items.length; i++) cdf.push((total += 1 / (i + 1)));
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo] as string;
  };
}

export interface SyntheticOptions {
  readonly count: number;
  readonly seed: number;
  readonly notebooks?: number;
  /** COCO labels to draw from, most frequent first; none by default. */
  readonly labels?: readonly string[];
  readonly vocabulary?: number;
  /** createdAt spreads over two years from here. */
  readonly start?: number;
}

const TWO_YEARS = 2 * 365 * 24 * 3600 * 1000;

export function syntheticNotes(options: SyntheticOptions): { notes: NoteRecord[]; vocabulary: string[] } {
  const random = seededRandom(options.seed);
  const vocabulary = syntheticVocabulary(options.vocabulary ?? 20_000, random);
  const word = zipfSampler(vocabulary, random);
  const label = options.labels && options.labels.length > 0 ? zipfSampler(options.labels, random) : undefined;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const words = (lo: number, hi: number) => Array.from({ length: between(lo, hi) }, word).join(' ');
  const start = options.start ?? new Date(2025, 0, 1).getTime();

  const notes: NoteRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const labels: NoteLabel[] = [];
    if (label) for (let n = between(0, 3); n > 0; n--) labels.push({ label: label(), score: 0.2 + random() * 0.6, source: 'model' });
    notes.push({
      id: `n${i}`,
      notebookId: `nb${between(0, (options.notebooks ?? 10) - 1)}`,
      title: words(1, 6),
      body: words(5, 40),
      labels,
      ocrText: random() < 0.3 ? words(5, 60) : '',
      createdAt: start + Math.floor(random() * TWO_YEARS),
    });
  }
  return { notes, vocabulary };
}
