/** One search-box input of the benchmark mix, tagged so latency can be shown per kind. */
export interface BenchQuery {
  readonly kind: string;
  readonly text: string;
}

/** Broader terms the bundled taxonomy gives many COCO labels. */
const BROADER = ['animal', 'vehicle', 'food', 'electronics', 'kitchen', 'furniture'];
/** Words the expansion table (ml/search/expansion.json) maps to labels: synonyms, WordNet broader terms, plurals, typos. */
const SYNONYMS = ['motorbike', 'automobile', 'mug', 'smartphone', 'puppy', 'kitty', 'sofa', 'fridge', 'bike', 'telly'];
const WORDNET_BROADER = ['feline', 'canine', 'mammal', 'seat', 'transport', 'tableware', 'pet', 'appliance', 'conveyance'];
const PLURALS = ['cats', 'dogs', 'puppies', 'knives', 'vehicles', 'motorbikes', 'sofas'];
const TYPOS = ['motorbkie', 'smartphnoe', 'automobil', 'vehicel', 'furnitur'];

/**
 * What people type, from the synthetic vocabulary (Zipf ranked, most common first):
 * common (ranks 20-200, on 1-10% of notes), middling and rare words, a prefix being typed, a typo, two words, label chips
 * (exact and broader), a taxonomy word, a word narrowed by notebook and date, and the
 * expansion table's words (issue 17 §2): synonyms, WordNet broader terms, plurals, typos.
 */
export function queryMix(vocabulary: readonly string[], labels: readonly string[], random: () => number, count: number): BenchQuery[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const rank = (lo: number, hi: number) => vocabulary[lo + Math.floor(random() * (Math.min(hi, vocabulary.length) - lo))] as string;
  const typo = (word: string) => {
    const i = 1 + Math.floor(random() * (word.length - 2));
    return word.slice(0, i) + (word[i] === 'x' ? 'q' : 'x') + word.slice(i + 1);
  };
  const longMid = () => {
    for (;;) {
      const w = rank(50, 2_000);
      if (w.length >= 6) return w;
    }
  };
  const kinds: readonly (() => BenchQuery)[] = [
    () => ({ kind: 'common word', text: rank(20, 200) }),
    () => ({ kind: 'mid word', text: rank(50, 2_000) }),
    () => ({ kind: 'rare word', text: rank(5_000, vocabulary.length) }),
    () => ({ kind: 'prefix (4 letters)', text: longMid().slice(0, 4) }),
    () => ({ kind: 'typo (fuzzy)', text: typo(longMid()) }),
    () => ({ kind: 'two words', text: `${rank(0, 200)} ${rank(50, 2_000)}` }),
    () => ({ kind: 'label: chip', text: `label:${quote(pick(labels))}` }),
    () => ({ kind: 'label: broader', text: `label:${pick(BROADER)}` }),
    () => ({ kind: 'taxonomy word', text: pick(BROADER) }),
    () => ({ kind: 'word + notebook + date', text: `${rank(0, 2_000)} notebook:nb${Math.floor(random() * 10)} after:2025-06-01` }),
    () => ({ kind: 'synonym (expansion)', text: pick(SYNONYMS) }),
    () => ({ kind: 'WordNet broader (expansion)', text: pick(WORDNET_BROADER) }),
    () => ({ kind: 'plural of a label or synonym', text: pick(PLURALS) }),
    () => ({ kind: 'typo of a synonym / broader', text: pick(TYPOS) }),
    () => ({ kind: 'synonym + word', text: `${pick(SYNONYMS)} ${rank(50, 2_000)}` }),
  ];
  return Array.from({ length: count }, (_, i) => (kinds[i % kinds.length] as () => BenchQuery)());
}

function quote(label: string): string {
  return label.includes(' ') ? `"${label}"` : label;
}

/**
 * Not in the mix: the ten most frequent words sit in 40-90% of the notes, like "the" or
 * "and" in real text. Nobody searches them on purpose, but search-as-you-type sends
 * them; shown apart so the cost of a hit list that size is visible.
 */
export function stopwordLike(vocabulary: readonly string[], count: number): BenchQuery[] {
  return Array.from({ length: count }, (_, i) => ({ kind: 'stopword-like (ranks 0-9)', text: vocabulary[i % 10] as string }));
}
