import SearchableMap from 'minisearch/SearchableMap';
import tableData from './expansion.json';
import { EXPAND_FROM, WORD_SEARCH } from './search-options.ts';
import { singularForms } from './singular-forms.ts';
import { textHash } from './text-hash.ts';
import { normalizeLabel } from './tokenize.ts';

export type ExpansionKind = 'synonym' | 'broader';

/** A label a query word reaches through the table, and how much a hit through it counts. */
export interface ExpandedLabel {
  readonly label: string;
  readonly kind: ExpansionKind;
  /** The table's word that matched: the query word, its singular, a completion or a typo fix. */
  readonly word: string;
  readonly weight: number;
}

export type ExpansionError = { readonly code: 'E_EXPANSION_INVALID'; readonly message: string };
export type ExpansionResult = { ok: true; expansion: QueryExpansion } | { ok: false; error: ExpansionError };

type WordLabels = ReadonlyMap<string, readonly string[]>;

const invalid = (message: string): ExpansionResult => ({ ok: false, error: { code: 'E_EXPANSION_INVALID', message } });

function readMap(input: unknown, name: string): Map<string, string[]> | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return `${name} must be an object`;
  const map = new Map<string, string[]>();
  for (const [word, labels] of Object.entries(input)) {
    if (!Array.isArray(labels) || !labels.every((l): l is string => typeof l === 'string')) return `${name}.${word} must be a list of labels`;
    map.set(word, labels.map(normalizeLabel));
  }
  return map;
}

/**
 * Query words people use for labels the detector never says: "motorbike" for motorcycle
 * (a synonym), "vehicle" for car, bus, motorcycle... (a broader term). The table is built
 * from WordNet at build time (models/expansion/, ml/search/expansion.json); WordNet itself
 * never ships. Words are looked up as typed, as singulars ("puppies"), and, from 4
 * letters, as completions and typos of table words, with MiniSearch's weights for those.
 */
export class QueryExpansion {
  private readonly words: SearchableMap<true>;

  private constructor(
    private readonly synonyms: WordLabels,
    private readonly broader: WordLabels,
  ) {
    this.words = new SearchableMap<true>();
    for (const word of [...synonyms.keys(), ...broader.keys()]) this.words.set(word, true);
  }

  /** Validates a `{ version: 1, synonyms: { word: [label] }, broader: { word: [label] } }` table. Never throws. */
  static parse(input: unknown): ExpansionResult {
    if (typeof input !== 'object' || input === null) return invalid('expansion table must be an object');
    const { version, synonyms, broader } = input as { version?: unknown; synonyms?: unknown; broader?: unknown };
    if (version !== 1) return invalid(`unsupported expansion table version ${String(version)}`);
    const s = readMap(synonyms, 'synonyms');
    if (typeof s === 'string') return invalid(s);
    const b = readMap(broader, 'broader');
    if (typeof b === 'string') return invalid(b);
    return { ok: true, expansion: new QueryExpansion(s, b) };
  }

  /** Changes whenever the table changes: a persisted index made with another is rebuilt (labels resolve through it). */
  fingerprint(): string {
    return textHash(JSON.stringify([[...this.synonyms], [...this.broader]]));
  }

  /** Labels `word` (one normalized term) reaches as typed or as its singular; weight 1. */
  lookup(word: string): ExpandedLabel[] {
    const out: ExpandedLabel[] = [];
    for (const form of [word, ...singularForms(word)]) {
      if (!this.words.has(form)) continue;
      out.push(...this.labelsOf(form, 1));
      break;
    }
    return out;
  }

  /** lookup, plus completions and typos of table words for words of 4+ letters. */
  lookupLoose(word: string, fuzzy: boolean): ExpandedLabel[] {
    const out = this.lookup(word);
    if (word.length < EXPAND_FROM) return out;
    const seen = new Set(out.map((e) => e.word));
    for (const [term] of this.words.atPrefix(word)) {
      if (seen.has(term)) continue;
      seen.add(term);
      out.push(...this.labelsOf(term, (WORD_SEARCH.weights.prefix * term.length) / (term.length + 0.3 * (term.length - word.length))));
    }
    if (!fuzzy) return out;
    const maxDistance = Math.min(WORD_SEARCH.maxFuzzy, Math.round(word.length * 0.2));
    for (const [term, [, distance]] of this.words.fuzzyGet(word, maxDistance)) {
      if (seen.has(term)) continue;
      seen.add(term);
      out.push(...this.labelsOf(term, (WORD_SEARCH.weights.fuzzy * term.length) / (term.length + distance)));
    }
    return out;
  }

  /** Table words that reach `label` (tests, and the settings screen's explanations). */
  wordsFor(label: string, kind: ExpansionKind): string[] {
    const map = kind === 'synonym' ? this.synonyms : this.broader;
    const normalized = normalizeLabel(label);
    return [...map].filter(([, labels]) => labels.includes(normalized)).map(([word]) => word);
  }

  /**
   * The table labels an imported classifier's label names a kind of, found the way its
   * label file spells things: each comma-separated part ("tabby, tabby cat"), then the
   * part's last word ("Persian cat" -> cat); "moped" -> motorcycle through the table. Done
   * when a note with the label is indexed, from the shipped table (no WordNet).
   */
  resolve(label: string): string[] {
    const out = new Set<string>();
    for (const part of normalizeLabel(label).split(', ')) {
      const words = part.split(' ');
      const head = words[words.length - 1] ?? '';
      for (const candidate of words.length === 1 ? [part] : [part.replace(/ /g, ''), head]) {
        for (const e of this.lookup(candidate)) if (e.kind === 'synonym') out.add(e.label);
      }
    }
    out.delete(normalizeLabel(label));
    return [...out];
  }

  private labelsOf(word: string, weight: number): ExpandedLabel[] {
    const out: ExpandedLabel[] = [];
    for (const label of this.synonyms.get(word) ?? []) out.push({ label, kind: 'synonym', word, weight });
    for (const label of this.broader.get(word) ?? []) out.push({ label, kind: 'broader', word, weight });
    return out;
  }
}

const parsed = QueryExpansion.parse(tableData);
// The bundled table is generated and checked by the unit tests; a broken one is a build error.
if (!parsed.ok) throw new Error(`ml/search/expansion.json: ${parsed.error.message}`);

/** The bundled table (ml/search/expansion.json, from WordNet 3.1). */
export const defaultExpansion: QueryExpansion = parsed.expansion;
