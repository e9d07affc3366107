import SearchableMap from 'minisearch/SearchableMap';
import type { IndexDocument } from './indexed-note.ts';
import { BOOST, EXPAND_FROM, FIELDS, type FieldName, KEY_BOOST, TIER, TIER_SPAN, WORD_SEARCH } from './search-options.ts';
import { singularForms } from './singular-forms.ts';
import { isPacked, type PackedPostings, type PackedSlots, packedPostingsEnd, type Postings, unpackPostings, unpackSlots } from './packed-postings.ts';
import { TopK } from './top-k.ts';
import { U32Reader, U32Writer } from './u32-stream.ts';
import { tokenize } from './tokenize.ts';


/** An indexed term a query word reaches, and how much a hit through it counts. */
interface Expansion {
  readonly term: string;
  readonly weight: number;
  readonly postings: Postings;
  /** A label key reached through the expansion table: its notes, and the kind of match. */
  readonly key?: { readonly notes: Map<number, number>; readonly kind: KeyKind; readonly word: string };
}

export type KeyKind = 'label' | 'synonym' | 'broader' | 'notebook';

/** A label a query word means, found outside the index (the expansion table). */
export interface KeyExpansion {
  readonly key: string;
  readonly kind: KeyKind;
  readonly weight: number;
}

export interface TermQuery {
  /** Every word must match (AND), each by itself, a completion or (with fuzzy) a typo. */
  readonly words: readonly string[];
  readonly fields?: readonly FieldName[];
  readonly fuzzy?: boolean;
  /** Hits without `match` (empty): for callers that only need the notes. Default true. */
  readonly reasons?: boolean;
  /**
   * Rank by how a note matched before by score (search-options.ts TIER): exact label over
   * synonym over broader term over photo text. Off, the order is exactly MiniSearch's.
   */
  readonly tiers?: boolean;
  /** A word also matches its singular ("puppies" -> puppy) as if typed. */
  readonly plurals?: boolean;
  /** Label keys a word means besides its own terms ("motorbike" -> motorcycle). */
  readonly keys?: (word: string, fuzzy: boolean) => readonly KeyExpansion[];
}

/** What MiniSearch's search returns per hit, for the hits of one page only. */
export interface TermHit {
  readonly id: string;
  readonly score: number;
  /** Indexed term -> fields it matched in; keys as 'label', 'synonym', 'broaderKey' or 'notebook'. */
  readonly match: Readonly<Record<string, readonly string[]>>;
  readonly queryTerms: readonly string[];
  /** Label key -> the query word that reached it through the table. */
  readonly via: Readonly<Record<string, string>>;
}

/** TermIndex.exportState: what `restore` needs to rebuild the same index without tokenizing a note. */
export interface TermIndexState {
  /** Note id per slot; undefined for a free slot. */
  readonly ids: readonly (string | undefined)[];
  readonly freeSlots: readonly number[];
  /** Field-major: lengths[f * slots + slot], MiniSearch's field length. */
  readonly lengths: Uint32Array;
  /** The radix tree's edges depth first, each node's in its order; LEAF ('') stands for a term's postings. */
  readonly edges: readonly string[];
  /** Per node, depth first: its number of edges. */
  readonly shape: Uint32Array;
  /** Per term (LEAF edge, in order), per field of FIELDS: a count n, then n (slot, term frequency) pairs. */
  readonly postings: Uint32Array;
  readonly keys: readonly string[];
  /** Per key: a count n, then n slots. */
  readonly keySlots: Uint32Array;
}

/** A node of MiniSearch's radix tree: edge -> child node, or LEAF -> the term's value. */
type RadixNode = Map<string, unknown>;
const LEAF = '';

/** TermIndex.restore's tree, checked as read: edges where they can be, postings of live slots. */
function readTree(state: TermIndexState, live: (slot: number) => boolean): RadixNode | string {
  const shape = new U32Reader(state.shape);
  const { postings } = state;
  let at = 0;
  let word = 0;
  const readPostings = (): PackedPostings | string => {
    const end = packedPostingsEnd(postings, word, live);
    if (typeof end === 'string') return end;
    const packed = postings.subarray(word, end);
    word = end;
    return packed;
  };
  const readNode = (root: boolean): RadixNode | string => {
    const n = shape.next();
    if (n === undefined || (n === 0 && !root)) return 'tree shape';
    const node: RadixNode = new Map();
    const firsts = new Set<string>();
    for (let i = 0; i < n; i++) {
      const edge = state.edges[at++];
      if (typeof edge !== 'string' || node.has(edge)) return 'tree edges';
      // Lookups follow the one edge that starts with the next letter: two would hide a term.
      if (edge !== LEAF && firsts.has(edge.charAt(0))) return 'tree edges';
      firsts.add(edge.charAt(0));
      const child = edge === LEAF ? (root ? 'the empty term' : readPostings()) : readNode(false);
      if (typeof child === 'string') return child;
      node.set(edge, child);
    }
    return node;
  };
  const tree = readNode(true);
  if (typeof tree === 'string') return tree;
  if (at !== state.edges.length || shape.left !== 0 || word !== postings.length) return 'tree sections past the tree';
  return tree;
}

const { k, b, d } = WORD_SEARCH.bm25;
/** Up to this many terms reached, a hit's match reasons ask each of them about the hit. */
const WALK_EXPANSIONS_BELOW = 256;
/** Postings this many times larger than the candidates are probed, not walked. */
const LOOKUP_BELOW = 4;

/**
 * The inverted index behind NoteSearchIndex: term -> per-field postings, in
 * MiniSearch's radix tree (SearchableMap) for its prefix and fuzzy lookups. It ranks
 * exactly as MiniSearch does with WORD_SEARCH, but only the best `limit` hits are kept
 * (a heap), match reasons are computed only for them, and an AND query starts from its
 * rarest word: MiniSearch builds, merges and sorts a result object for every hit, which
 * is tens of milliseconds for a common word at 100k notes (ml/search/README.md).
 */
export class TermIndex {
  /** Packed only in a restored index, until a query or an edit first reaches the term (packed-postings.ts). */
  private terms = new SearchableMap<Postings | PackedPostings>();
  /** Normalized label (and resolved label) -> note slots carrying it: what expansions reach. */
  private readonly keys = new Map<string, Map<number, number> | PackedSlots>();
  private readonly slotOf = new Map<string, number>();
  private readonly ids: (string | undefined)[] = [];
  /** What each slot indexed: a hit's match reasons read its own terms when a word reached thousands. */
  private readonly docs: (IndexDocument | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  /** Per field: slot -> number of distinct terms (MiniSearch's field length). */
  private readonly lengths: number[][] = FIELDS.map(() => []);
  private readonly totalLength: number[] = FIELDS.map(() => 0);
  private count = 0;
  // Scratch per slot, zeroed after each query.
  private score = new Float64Array(0);
  private matched = new Int32Array(0);
  private wordTier = new Uint8Array(0);
  private noteTier = new Uint8Array(0);

  get size(): number {
    return this.count;
  }

  /**
   * The index as flat data, every map in its own iteration order, so `restore` rebuilds an
   * index that walks postings, terms and keys in the same order: ties rank the same.
   */
  exportState(): TermIndexState {
    const slots = this.ids.length;
    const lengths = new Uint32Array(FIELDS.length * slots);
    FIELDS.forEach((_, f) => {
      const list = this.lengths[f] as number[];
      for (let slot = 0; slot < slots; slot++) if (this.ids[slot] !== undefined) lengths[f * slots + slot] = list[slot] ?? 0;
    });
    const edges: string[] = [];
    const shape = new U32Writer();
    const postings = new U32Writer();
    // The radix tree itself, depth first: its children's order is its history (a split
    // moves a subtree to the end), which set() in any order would not reproduce.
    const walk = (node: RadixNode) => {
      shape.push(node.size);
      for (const [edge, child] of node) {
        edges.push(edge);
        if (edge !== LEAF) {
          walk(child as RadixNode);
          continue;
        }
        if (isPacked(child)) {
          for (const word of child) postings.push(word);
          continue;
        }
        for (let f = 0; f < FIELDS.length; f++) {
          const notes = (child as Postings)[f];
          postings.push(notes?.size ?? 0);
          notes?.forEach((tf, slot) => postings.pair(slot, tf));
        }
      }
    };
    walk(this.terms._tree as RadixNode);
    const keys: string[] = [];
    const keySlots = new U32Writer();
    for (const [key, notes] of this.keys) {
      keys.push(key);
      if (isPacked(notes)) {
        keySlots.push(notes.length);
        for (const slot of notes) keySlots.push(slot);
        continue;
      }
      keySlots.push(notes.size);
      notes.forEach((_, slot) => keySlots.push(slot));
    }
    return { ids: [...this.ids], freeSlots: [...this.freeSlots], lengths, edges, shape: shape.done(), postings: postings.done(), keys, keySlots: keySlots.done() };
  }

  /**
   * The index `state` was exported from, given what each slot indexed (`docs[slot]`, undefined
   * for a free slot). Checked while read: an error names the first inconsistency, and a state
   * that fails is never partly used.
   */
  static restore(state: TermIndexState, docs: readonly (IndexDocument | undefined)[]): TermIndex | string {
    const index = new TermIndex();
    const slots = state.ids.length;
    if (docs.length !== slots || state.lengths.length !== FIELDS.length * slots) return 'slot count';
    for (let slot = 0; slot < slots; slot++) {
      const id = state.ids[slot];
      if (id !== docs[slot]?.id) return `slot ${slot}`;
      index.ids[slot] = id;
      index.docs[slot] = docs[slot];
      if (id === undefined) continue;
      if (index.slotOf.has(id)) return `id ${id} twice`;
      index.slotOf.set(id, slot);
      index.count++;
    }
    const free = new Set(state.freeSlots);
    if (free.size !== slots - index.count || [...free].some((slot) => state.ids[slot] !== undefined || !(slot < slots))) return 'free slots';
    index.freeSlots.push(...state.freeSlots);
    FIELDS.forEach((_, f) => {
      const list = index.lengths[f] as number[];
      let total = 0;
      for (let slot = 0; slot < slots; slot++) {
        const length = state.lengths[f * slots + slot] as number;
        list[slot] = length;
        total += length;
      }
      index.totalLength[f] = total;
    });
    const live = (slot: number) => slot < slots && state.ids[slot] !== undefined;
    const tree = readTree(state, live);
    if (typeof tree === 'string') return tree;
    index.terms = new SearchableMap<Postings | PackedPostings>(tree as ConstructorParameters<typeof SearchableMap<Postings | PackedPostings>>[0]);
    let at = 0;
    const { keySlots } = state;
    for (const key of state.keys) {
      const n = keySlots[at++];
      if (typeof key !== 'string' || index.keys.has(key) || n === undefined || n === 0 || at + n > keySlots.length) return `key ${String(key)}`;
      const slots = keySlots.subarray(at, (at += n));
      if (!slots.every(live)) return `key ${key}`;
      index.keys.set(key, slots);
    }
    if (at !== keySlots.length) return 'key slots past the keys';
    return index;
  }

  add(doc: IndexDocument): void {
    if (this.slotOf.has(doc.id)) throw new Error(`TermIndex: ${doc.id} is already indexed`);
    const slot = this.freeSlots.pop() ?? this.ids.length;
    this.ids[slot] = doc.id;
    this.docs[slot] = doc;
    this.slotOf.set(doc.id, slot);
    this.count++;
    FIELDS.forEach((field, f) => {
      const tokens = tokenize(doc[field]);
      const length = new Set(tokens).size;
      (this.lengths[f] as number[])[slot] = length;
      this.totalLength[f] = (this.totalLength[f] ?? 0) + length;
      for (const term of tokens) {
        let postings = this.postingsOf(term);
        if (!postings) this.terms.set(term, (postings = []));
        const notes = (postings[f] ??= new Map());
        notes.set(slot, (notes.get(slot) ?? 0) + 1);
      }
    });
    for (const key of new Set(doc.keys)) {
      let notes = this.keyNotesOf(key);
      if (!notes) this.keys.set(key, (notes = new Map()));
      notes.set(slot, 1);
    }
  }

  /** `doc` must be what was added under its id. */
  remove(doc: IndexDocument): boolean {
    const slot = this.slotOf.get(doc.id);
    if (slot === undefined) return false;
    FIELDS.forEach((field, f) => {
      this.totalLength[f] = (this.totalLength[f] ?? 0) - ((this.lengths[f] as number[])[slot] ?? 0);
      for (const term of new Set(tokenize(doc[field]))) {
        const postings = this.postingsOf(term);
        postings?.[f]?.delete(slot);
        if (postings?.[f]?.size === 0) postings[f] = undefined;
        if (postings && postings.every((p) => p === undefined)) this.terms.delete(term);
      }
    });
    for (const key of new Set(doc.keys)) {
      const notes = this.keyNotesOf(key);
      notes?.delete(slot);
      if (notes?.size === 0) this.keys.delete(key);
    }
    this.slotOf.delete(doc.id);
    this.ids[slot] = undefined;
    this.docs[slot] = undefined;
    this.freeSlots.push(slot);
    this.count--;
    return true;
  }

  /**
   * The best `limit` notes for all words that `passes`, best first, ranked as MiniSearch
   * ranks them. `total` counts the notes that matched every word, filter aside.
   */
  search(query: TermQuery, limit: number, passes?: (id: string) => boolean): { hits: TermHit[]; total: number } {
    const fields = query.fields ?? FIELDS;
    const fieldIds = fields.map((f) => FIELDS.indexOf(f));
    const fuzzy = query.fuzzy ?? true;
    const expansions = query.words.map((w) => [...this.expand(w, fuzzy, query.plurals ?? false), ...this.expandKeys(w, fuzzy, query)]);
    if (expansions.length === 0 || expansions.some((e) => e.length === 0)) return { hits: [], total: 0 };
    this.growScratch();
    const size = (e: Expansion) => (e.key ? e.key.notes.size : fieldIds.reduce((s, f) => s + (e.postings[f]?.size ?? 0), 0));
    // Rarest word first: later words only add to notes every earlier word reached.
    const df = expansions.map((list) => list.reduce((sum, e) => sum + size(e), 0));
    const order = expansions.map((_, i) => i).sort((x, y) => (df[x] ?? 0) - (df[y] ?? 0));
    const { score, matched, wordTier, noteTier } = this;
    const touched: number[] = [];
    let candidates: number[] = [];
    order.forEach((w, step) => {
      // One `add` per word, reading the posting list's factors from here: a closure per
      // posting list cost more than the scoring when a prefix reaches thousands of terms.
      let factor = 0;
      let tier = 0;
      let lengths: number[] | undefined;
      let avg = 1;
      const add = (tf: number, slot: number) => {
        const seen = matched[slot] as number;
        if (seen < step) return;
        if (seen === step) {
          matched[slot] = step + 1;
          if (step === 0) touched.push(slot);
        }
        if (tier > (wordTier[slot] as number)) wordTier[slot] = tier;
        // A label key has no text: one occurrence in a field of average length.
        const norm = lengths ? (lengths[slot] as number) / avg : 1;
        score[slot] = (score[slot] as number) + factor * (d + (tf * (k + 1)) / (tf + k * (1 - b + b * norm)));
      };
      const visit = (notes: Map<number, number>) => {
        // A common word after a rare one: look up the few candidates in its postings
        // instead of walking tens of thousands of notes that cannot match.
        if (step > 0 && notes.size > LOOKUP_BELOW * candidates.length) {
          for (const slot of candidates) {
            const tf = notes.get(slot);
            if (tf !== undefined) add(tf, slot);
          }
        } else {
          // forEach, not for-of: no entry array per posting.
          notes.forEach(add);
        }
      };
      const idf = (n: number) => Math.log(1 + (this.count - n + 0.5) / (n + 0.5));
      for (const { weight, postings, key } of expansions[w] ?? []) {
        if (key) {
          factor = weight * KEY_BOOST[key.kind] * idf(key.notes.size);
          tier = TIER[key.kind];
          lengths = undefined;
          avg = 1;
          visit(key.notes);
          continue;
        }
        for (const f of fieldIds) {
          const notes = postings[f];
          if (!notes) continue;
          const field = FIELDS[f] as FieldName;
          factor = weight * BOOST[field] * idf(notes.size);
          tier = TIER[field];
          lengths = this.lengths[f];
          avg = (this.totalLength[f] ?? 0) / this.count;
          visit(notes);
        }
      }
      candidates = step === 0 ? touched : candidates.filter((slot) => (matched[slot] as number) > step);
      // A note ranks by its weakest word's best way of matching.
      for (const slot of candidates) {
        const tier = wordTier[slot] as number;
        if (step === 0 || tier < (noteTier[slot] as number)) noteTier[slot] = tier;
        wordTier[slot] = 0;
      }
    });

    // MiniSearch multiplies by the number of distinct query words a note matched: all of them.
    const quality = new Set(query.words).size;
    const tiers = query.tiers ?? false;
    const top = new TopK(limit);
    let total = 0;
    touched.forEach((slot, order) => {
      const s = (score[slot] as number) * quality + (tiers ? (noteTier[slot] as number) * TIER_SPAN : 0);
      if (matched[slot] === expansions.length) {
        total++;
        // The filter only for notes that would make the page: a chip on a common word
        // would otherwise be asked about tens of thousands of notes.
        if (top.accepts(s, order) && (!passes || passes(this.ids[slot] as string))) top.offer(slot, s, order);
      }
      score[slot] = 0;
      matched[slot] = 0;
      wordTier[slot] = 0;
      noteTier[slot] = 0;
    });
    const queryTerms = [...new Set(query.words)];
    const via: Record<string, string> = {};
    expansions.forEach((list, i) => list.forEach((e) => e.key && (via[e.term] ??= query.words[i] as string)));
    const matchOf = query.reasons === false ? () => ({}) : this.matcher(expansions, fieldIds);
    const hits = top.sorted().map(({ slot, score: s }) => ({ id: this.ids[slot] as string, score: s, match: matchOf(slot), queryTerms, via }));
    return { hits, total };
  }

  /**
   * Indexed terms that start with `prefix` (itself included), else (4+ letters) those a
   * typo away, most frequent first, with the number of (note, field) pairs holding each;
   * at most `limit`.
   */
  completions(prefix: string, limit: number): { term: string; count: number }[] {
    const found: { term: string; count: number }[] = [];
    const count = (postings: Postings) => postings.reduce((s, p) => s + (p?.size ?? 0), 0);
    for (const [term, postings] of this.terms.atPrefix(prefix)) found.push({ term, count: count(this.unpacked(term, postings)) });
    if (found.length === 0 && prefix.length >= EXPAND_FROM) {
      const maxDistance = Math.min(WORD_SEARCH.maxFuzzy, Math.round(prefix.length * 0.2));
      for (const [term, [postings]] of this.terms.fuzzyGet(prefix, maxDistance)) found.push({ term, count: count(this.unpacked(term, postings)) });
    }
    return found.sort((x, y) => y.count - x.count || (x.term < y.term ? -1 : 1)).slice(0, limit);
  }

  /** How many of `ids` hold `term` in any field. */
  countAmong(term: string, ids: ReadonlySet<string>): number {
    const postings = this.postingsOf(term);
    if (!postings) return 0;
    let n = 0;
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot !== undefined && postings.some((p) => p?.has(slot))) n++;
    }
    return n;
  }

  /** The notes carrying a label key (a normalized label, or one an imported label resolves to). */
  keyNotes(key: string): number {
    return this.keyNotesOf(key)?.size ?? 0;
  }

  private expandKeys(word: string, fuzzy: boolean, query: TermQuery): Expansion[] {
    const out: Expansion[] = [];
    for (const { key, kind, weight } of query.keys?.(word, fuzzy) ?? []) {
      const notes = this.keyNotesOf(key);
      if (notes) out.push({ term: key, weight, postings: [], key: { notes, kind, word } });
    }
    return out;
  }

  /** The word itself, its singular, its completions, then its typos, as MiniSearch expands them. */
  private expand(word: string, fuzzy: boolean, plurals: boolean): Expansion[] {
    const out: Expansion[] = [];
    const exact = this.postingsOf(word);
    if (exact) out.push({ term: word, weight: 1, postings: exact });
    // The singular counts as typed; its completions and typos are the word's own anyway.
    const singular = plurals ? singularForms(word).find((form) => this.terms.has(form)) : undefined;
    if (singular !== undefined) out.push({ term: singular, weight: 1, postings: this.postingsOf(singular) as Postings });
    if (word.length < EXPAND_FROM) return out;
    const maxDistance = Math.min(WORD_SEARCH.maxFuzzy, Math.round(word.length * 0.2));
    const typos = fuzzy && maxDistance > 0 ? this.terms.fuzzyGet(word, maxDistance) : undefined;
    const { prefix } = WORD_SEARCH.weights;
    for (const [term, postings] of this.terms.atPrefix(word)) {
      const distance = term.length - word.length;
      if (distance === 0) continue;
      typos?.delete(term);
      if (term === singular) continue;
      out.push({ term, weight: (prefix * term.length) / (term.length + 0.3 * distance), postings: this.unpacked(term, postings) });
    }
    for (const [term, [postings, distance]] of typos ?? []) {
      if (distance === 0 || term === singular) continue;
      out.push({ term, weight: (WORD_SEARCH.weights.fuzzy * term.length) / (term.length + distance), postings: this.unpacked(term, postings) });
    }
    return out;
  }

  /**
   * MiniSearch's `match` per hit. A word of 4+ letters can reach thousands of terms ("grid"
   * -> grid0 ... grid9999); asking each of them about each hit of the page cost tens of ms
   * per keystroke, so past a few hundred the hit's own terms are looked up in the expansions
   * instead, with the same order of terms and fields.
   */
  private matcher(expansions: readonly Expansion[][], fieldIds: readonly number[]): (slot: number) => Record<string, string[]> {
    const flat = expansions.flat();
    if (flat.length <= WALK_EXPANSIONS_BELOW) return (slot) => this.matchOf(slot, expansions, fieldIds);
    const byTerm = new Map<string, number[]>();
    const keys: number[] = [];
    flat.forEach((e, i) => {
      const same = byTerm.get(e.term);
      if (e.key) keys.push(i);
      else if (same) same.push(i);
      else byTerm.set(e.term, [i]);
    });
    return (slot) => {
      const doc = this.docs[slot];
      // [expansion, position of the field in fieldIds, field name]: sorted, the walk's own order.
      const found: [number, number, string][] = [];
      for (const i of keys) {
        const key = flat[i]?.key;
        if (key?.notes.has(slot)) found.push([i, -1, key.kind === 'broader' ? 'broaderKey' : key.kind]);
      }
      fieldIds.forEach((f, position) => {
        const field = FIELDS[f] as FieldName;
        for (const term of new Set(tokenize(doc?.[field] ?? ''))) {
          for (const i of byTerm.get(term) ?? []) if (flat[i]?.postings[f]?.has(slot)) found.push([i, position, field]);
        }
      });
      found.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      const match: Record<string, string[]> = {};
      for (const [i, , name] of found) {
        const fields = (match[flat[i]?.term ?? ''] ??= []);
        if (!fields.includes(name)) fields.push(name);
      }
      return match;
    };
  }

  /** MiniSearch's `match` for one note: term -> fields, terms in the order the query reached them. */
  private matchOf(slot: number, expansions: readonly Expansion[][], fieldIds: readonly number[]): Record<string, string[]> {
    const match: Record<string, string[]> = {};
    for (const list of expansions) {
      for (const { term, postings, key } of list) {
        if (key) {
          if (!key.notes.has(slot)) continue;
          const fields = (match[term] ??= []);
          const name = key.kind === 'broader' ? 'broaderKey' : key.kind;
          if (!fields.includes(name)) fields.push(name);
          continue;
        }
        for (const f of fieldIds) {
          if (!postings[f]?.has(slot)) continue;
          const fields = (match[term] ??= []);
          const name = FIELDS[f] as string;
          if (!fields.includes(name)) fields.push(name);
        }
      }
    }
    return match;
  }

  private postingsOf(term: string): Postings | undefined {
    const value = this.terms.get(term);
    return value === undefined ? undefined : this.unpacked(term, value);
  }

  /** A term's postings as Maps, unpacked (and kept so) the first time anything reaches it. */
  private unpacked(term: string, value: Postings | PackedPostings): Postings {
    if (!isPacked(value)) return value;
    const postings = unpackPostings(value);
    // Replaces the leaf's value only: the tree's shape and order stay as they are.
    this.terms.set(term, postings);
    return postings;
  }

  private keyNotesOf(key: string): Map<number, number> | undefined {
    const value = this.keys.get(key);
    if (!isPacked(value)) return value;
    const notes = unpackSlots(value);
    this.keys.set(key, notes);
    return notes;
  }

  private growScratch(): void {
    if (this.score.length >= this.ids.length) return;
    const size = Math.max(1024, this.ids.length * 2);
    this.score = new Float64Array(size);
    this.matched = new Int32Array(size);
    this.wordTier = new Uint8Array(size);
    this.noteTier = new Uint8Array(size);
  }
}
