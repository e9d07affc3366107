import { describeMatches } from './describe-matches.ts';
import { type QueryExpansion, defaultExpansion } from './expansion.ts';
import { type IndexDocument, type IndexedNote, indexNote, type LabelParts, labelParts, labelPartsKey, labelMatch, notebookKey, sameIndexedContent } from './indexed-note.ts';
import type { NoteRecord, SearchHit, SearchMatch } from './note-record.ts';
import { type SearchQuery, isEmptyQuery, parseSearchQuery } from './parse-search-query.ts';
import { type PhraseSuggestion, suggestQueries, type Suggestion } from './suggest-queries.ts';
import { type KeyExpansion, TermIndex, type TermIndexState, type TermQuery } from './term-index.ts';
import { type Taxonomy, defaultTaxonomy } from './taxonomy.ts';
import { newestFirst } from './newest-first.ts';
import { EXPAND_FROM, FIELDS, TIER, TIER_SPAN } from './search-options.ts';
import { singularForms } from './singular-forms.ts';
import { tokenize } from './tokenize.ts';

export interface NoteSearchIndexOptions {
  /** Broader terms for labels; the bundled one unless the app extended it. */
  readonly taxonomy?: Taxonomy;
  /** Query words -> labels they mean; the bundled WordNet table unless a test gives one. */
  readonly expansion?: QueryExpansion;
}

/** The notes one word reaches by label, per way of reaching them (best first). */
interface TagTiers {
  readonly exact: readonly ReadonlySet<string>[];
  readonly synonym: readonly ReadonlySet<string>[];
  readonly broader: readonly ReadonlySet<string>[];
  /** Labels reached, for the reasons: key -> how. */
  readonly synonymKeys: readonly string[];
  readonly broaderKeys: readonly string[];
  readonly total: number;
}

export interface SearchOptions {
  /** Hits returned, best first; match reasons are computed only for these. Default 50. */
  readonly limit?: number;
}

/**
 * What NoteSearchIndex.exportState gives and restore takes (index-snapshot.ts turns it into
 * bytes): the records, in the order the index holds them, and the term index as it is.
 */
export interface NoteSearchIndexState {
  /** NoteSearchIndex.fingerprint of the index exported: restore refuses another. */
  readonly fingerprint: string;
  readonly records: readonly NoteRecord[];
  readonly terms: TermIndexState;
}

/**
 * Bump when what a note indexes as changes (indexNote, labelFieldText, tokenize, the fields):
 * a persisted index made by other code must be rebuilt, not read (index-snapshot.ts).
 */
const INDEX_CODE_VERSION = 1;

/** A label set larger than this many pages is read by walking the newest notes instead. */
const WALK_NEWEST_ABOVE = 8;
/** The most words of a label looked for as a phrase in the query ("baseball glove", "tabby cat"). */
const MAX_LABEL_WORDS = 4;
/** Distinct label sets whose index parts are kept (a few hundred in a real vault). */
const PARTS_CACHED = 20_000;
/** Completions of the last word a suggestion looks at (most frequent first). */
const COMPLETIONS_SCANNED = 64;
/** Best notes for the earlier words that a suggestion counts the completions in. */
const SUGGEST_FROM_NOTES = 500;

/**
 * Local full-text search over plain note records (ARCHITECTURE §6): title, body,
 * labels, their broader taxonomy terms and OCR text, ranked as MiniSearch ranks them
 * (TermIndex, on MiniSearch's radix tree). Updated in place
 * with `upsert`/`remove` as notes change; never rebuilt. One index may hold many
 * notebooks; `notebook:<id>` narrows.
 */
export class NoteSearchIndex {
  private readonly notes = new Map<string, IndexedNote>();
  /** Label or broader term -> ids of the notes carrying it: `label:` chips and suggestions. */
  private readonly labelNotes = new Map<string, Set<string>>();
  /** The same, for the notes' own labels only (not broader terms): the exact-label tier. */
  private readonly ownLabelNotes = new Map<string, Set<string>>();
  private readonly broaderCache = new Map<string, readonly string[]>();
  /** Label names -> what they index as: notes share a few hundred label sets, so each is resolved once. */
  private readonly partsCache = new Map<string, LabelParts>();
  /** Every note, newest first; rebuilt lazily after a note is added, removed or re-dated. */
  private byNewest: IndexedNote[] | undefined;
  private readonly taxonomy: Taxonomy;
  private readonly expansion: QueryExpansion;
  private terms = new TermIndex();
  /** Notebook id -> the terms of its name (setNotebookNames). */
  private notebookTerms = new Map<string, readonly string[]>();
  private notebookNames: ReadonlyMap<string, string> = new Map();
  private readonly keysOf = (word: string, fuzzy: boolean): KeyExpansion[] => {
    // A word that is a label itself is typed whole: "mouse" means the mouse, not a "mouser" (cat).
    const expanded = this.taxonomy.has(word) ? this.expansion.lookup(word) : this.expansion.lookupLoose(word, fuzzy);
    const keys: KeyExpansion[] = expanded.map((e) => ({ key: e.label, kind: e.kind, weight: e.weight }));
    for (const [id, terms] of this.notebookTerms) {
      // As typed, or from 4 letters as the start of a word of the name ("holi" -> Holiday).
      if (terms.some((t) => t === word || (word.length >= EXPAND_FROM && t.startsWith(word)))) keys.push({ key: notebookKey(id), kind: 'notebook', weight: 1 });
    }
    return keys;
  };

  constructor(options: NoteSearchIndexOptions = {}) {
    this.taxonomy = options.taxonomy ?? defaultTaxonomy;
    this.expansion = options.expansion ?? defaultExpansion;
  }

  get size(): number {
    return this.notes.size;
  }

  /** What the indexed data depends on besides the notes: the code, the taxonomy and the expansion table (labels resolve through it). */
  fingerprint(): string {
    return `${INDEX_CODE_VERSION}:${FIELDS.join(',')}:${this.taxonomy.fingerprint()}:${this.expansion.fingerprint()}`;
  }

  /** The index as data, for a persisted copy; `restore` rebuilds it without tokenizing a note. */
  exportState(): NoteSearchIndexState {
    return { fingerprint: this.fingerprint(), records: [...this.notes.values()].map((n) => n.record), terms: this.terms.exportState() };
  }

  /**
   * The index `state` was exported from, searching exactly as it did; a reason instead when
   * the state does not hold together or was made with another taxonomy, table or code. Each
   * note's labels are resolved again (cheap); its text is not tokenized again (the cost of a build).
   */
  static restore(state: NoteSearchIndexState, options: NoteSearchIndexOptions = {}): NoteSearchIndex | string {
    const index = new NoteSearchIndex(options);
    if (state.fingerprint !== index.fingerprint()) return 'made with another taxonomy, expansion table or index code';
    const docs = new Map<string, IndexDocument>();
    for (const record of state.records) {
      if (index.notes.has(record.id)) return `note ${record.id} twice`;
      const { note, doc } = index.indexNote(record);
      index.notes.set(record.id, note);
      index.track(note, true);
      docs.set(record.id, doc);
    }
    const terms = TermIndex.restore(
      state.terms,
      state.terms.ids.map((id) => (id === undefined ? undefined : docs.get(id))),
    );
    if (typeof terms === 'string') return terms;
    if (terms.size !== index.notes.size) return 'the term index holds other notes';
    index.terms = terms;
    return index;
  }

  has(id: string): boolean {
    return this.notes.has(id);
  }

  /** The notebook an indexed note belongs to: an index over many notebooks says where a hit lives. */
  notebookOf(id: string): string | undefined {
    return this.notes.get(id)?.record.notebookId;
  }

  /**
   * The names of the notebooks the notes are in, so their words find the notes (issue 17
   * §2). Read at query time: a rename re-indexes nothing. An index over one notebook
   * leaves them out (every note would match its own notebook's name).
   */
  setNotebookNames(names: ReadonlyMap<string, string>): void {
    this.notebookNames = names;
    this.notebookTerms = new Map([...names].map(([id, name]) => [id, tokenize(name)]));
  }

  /** Adds a note or replaces its previous version; unchanged content is a no-op. */
  upsert(record: NoteRecord): void {
    const old = this.notes.get(record.id);
    if (old && sameIndexedContent(old.record, record)) return;
    if (old) this.remove(record.id);
    this.byNewest = undefined;
    const { note, doc } = this.indexNote(record);
    this.terms.add(doc);
    this.notes.set(record.id, note);
    this.track(note, true);
  }

  /** Returns whether the note was indexed. */
  remove(id: string): boolean {
    const old = this.notes.get(id);
    if (!old) return false;
    this.terms.remove(old.doc);
    this.notes.delete(id);
    this.byNewest = undefined;
    this.track(old, false);
    return true;
  }

  /** Searches with the text of the search box (see parseSearchQuery) or a parsed query. */
  search(query: string | SearchQuery, options: SearchOptions = {}): SearchHit[] {
    const q = typeof query === 'string' ? parseSearchQuery(query) : query;
    const limit = options.limit ?? 50;
    if (isEmptyQuery(q)) return [];
    if (q.words.length === 0) return this.chipsOnly(q, limit);

    const filtered = q.labels.length > 0 || q.notebooks.length > 0 || q.after !== undefined || q.before !== undefined;
    const passes = filtered ? (id: string) => this.passesFilters(this.notes.get(id) as IndexedNote, q) : undefined;
    const tiers = q.words.length === 1 ? this.tagTiers(q.words[0] ?? '') : undefined;
    if (tiers && tiers.total > WALK_NEWEST_ABOVE * limit) return this.searchCommonTag(q.words[0] ?? '', tiers, q, limit, passes);
    // One word: typo tolerance only when the word as typed (and its completions) does not
    // fill the page, since fuzzy expansion of a common word multiplies the hits to score.
    // Not for several words: their AND rarely fills a page, and two searches cost more than one.
    const fuzzyMatters = q.words.length === 1 && (q.words[0]?.length ?? 0) >= 4;
    const phrases = this.labelPhrases(q.words);
    const keys = phrases.size === 0 ? this.keysOf : (word: string, fuzzy: boolean) => [...this.keysOf(word, fuzzy), ...(phrases.get(word) ?? [])];
    const terms: TermQuery = { words: q.words, fuzzy: !fuzzyMatters, tiers: true, plurals: true, keys };
    let found = this.terms.search(terms, limit, passes);
    if (fuzzyMatters && found.hits.length < limit) found = this.terms.search({ ...terms, fuzzy: true }, limit, passes);

    return found.hits.map((r) => {
      const note = this.notes.get(r.id) as IndexedNote;
      const chips = this.chipMatches(note, q);
      const words = q.words.length > 0 ? describeMatches(note, r.match, r.queryTerms, r.via, this.notebookNames.get(note.record.notebookId)) : [];
      return { id: note.record.id, score: r.score, matches: [...chips, ...words] };
    });
  }

  /**
   * Labels of several words typed whole ("hot dog", "teddy bears"): each of their words
   * reaches the notes with the label at the label's tier. Their words alone do not when they
   * are labels of their own (labelFieldText), so "dog" never finds the hot dog.
   */
  private labelPhrases(words: readonly string[]): Map<string, KeyExpansion[]> {
    const phrases = new Map<string, KeyExpansion[]>();
    for (let start = 0; start < words.length - 1; start++) {
      for (let end = start + 2; end <= Math.min(words.length, start + MAX_LABEL_WORDS); end++) {
        const typed = words.slice(start, end);
        const last = typed[typed.length - 1] ?? '';
        const label = [last, ...singularForms(last)].map((w) => [...typed.slice(0, -1), w].join(' ')).find((l) => this.ownLabelNotes.has(l));
        if (label === undefined) continue;
        for (const word of typed) {
          const list = phrases.get(word) ?? [];
          phrases.set(word, [...list, { key: label, kind: 'label', weight: 1 }]);
        }
      }
    }
    return phrases;
  }

  /** Completions for the search box: `label:` chips for known labels, then word phrases. */
  suggest(text: string, limit = 8): Suggestion[] {
    return suggestQueries(text, limit, { labelNotes: this.labelNotes, completePhrase: (words, n) => this.completePhrase(words, n) });
  }

  /**
   * The typed words with the last one completed from the notes' own terms. Bounded for
   * search-as-you-type: the most frequent completions (else typos) of the last word, counted
   * in the best notes for the words before it; one word counts in every note.
   */
  private completePhrase(text: string, limit: number): PhraseSuggestion[] {
    const words = tokenize(text);
    const last = words.pop();
    if (last === undefined) return [];
    const completions = this.terms.completions(last, COMPLETIONS_SCANNED);
    if (words.length === 0) return completions.slice(0, limit).map((c) => ({ suggestion: c.term, score: c.count }));
    const among = new Set(this.terms.search({ words, reasons: false }, SUGGEST_FROM_NOTES).hits.map((h) => h.id));
    if (among.size === 0) return [];
    return completions
      .map((c) => ({ suggestion: [...words, c.term].join(' '), score: this.terms.countAmong(c.term, among) }))
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }

  /** The notes `word` (or its singular) reaches as a label, a synonym of one, or a broader term. */
  private tagTiers(word: string): TagTiers {
    const forms = [word, ...singularForms(word)];
    const exact = forms.flatMap((w) => this.ownLabelNotes.get(w) ?? []);
    const expanded = this.expansion.lookup(word);
    const synonymKeys = expanded.filter((e) => e.kind === 'synonym').map((e) => e.label);
    // A note labelled with the word itself is in the exact tier, taken before: no need to
    // subtract it here (a copy of tens of thousands of ids per query).
    const broaderKeys = [...forms.filter((w) => this.labelNotes.has(w)), ...expanded.filter((e) => e.kind === 'broader').map((e) => e.label)];
    const synonym = synonymKeys.flatMap((k) => this.labelNotes.get(k) ?? []);
    const broader = broaderKeys.flatMap((k) => this.labelNotes.get(k) ?? []);
    const total = [...exact, ...synonym, ...broader].reduce((n, set) => n + set.size, 0);
    return { exact, synonym, broader, synonymKeys, broaderKeys, total };
  }

  /**
   * One word that is a label, synonym or broader term of many notes ("vehicle" on 40% of
   * them): scoring every tagged note would cost as much as a linear scan. The tiers in
   * order instead (search-options.ts TIER), each stopping at a full page: notes that say
   * the word in title or body by relevance, then the notes labelled with it, then those
   * with a label it is a synonym of, then a broader term of, each newest first; then
   * photo text by relevance, then "maybe" candidates.
   */
  private searchCommonTag(word: string, tiers: TagTiers, q: SearchQuery, limit: number, passes: ((id: string) => boolean) | undefined): SearchHit[] {
    const hits: SearchHit[] = [];
    const seen = new Set<string>();
    const reasons = (note: IndexedNote): SearchMatch[] => {
      const out: SearchMatch[] = [...this.chipMatches(note, q)];
      const own = [word, ...singularForms(word)].map((w) => note.labels.get(w)).find((l) => l !== undefined);
      if (own !== undefined) out.push({ field: 'label', term: word, query: word, label: own });
      for (const key of tiers.synonymKeys) {
        const label = note.labels.get(key) ?? note.broader.get(key);
        if (label !== undefined) out.push({ field: 'synonym', term: word, query: word, label });
      }
      for (const key of tiers.broaderKeys) {
        const label = note.broader.get(key) ?? note.labels.get(key);
        if (label !== undefined && !out.some((m) => m.label === label)) out.push({ field: 'broader', term: word, query: word, label });
      }
      return out;
    };
    const scored = (fields: TermQuery['fields']) => {
      for (const r of this.terms.search({ words: [word], fields, fuzzy: false, tiers: true, plurals: true }, limit, passes).hits) {
        if (hits.length >= limit) return;
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        const note = this.notes.get(r.id) as IndexedNote;
        hits.push({ id: r.id, score: r.score, matches: [...reasons(note), ...describeMatches(note, r.match, r.queryTerms)] });
      }
    };
    const tagged = (sets: readonly ReadonlySet<string>[], tier: number) => {
      if (hits.length >= limit || sets.length === 0) return;
      const size = sets.reduce((n, set) => n + set.size, 0);
      const has = (id: string) => !seen.has(id) && sets.some((set) => set.has(id));
      const ok = (note: IndexedNote) => has(note.record.id) && this.passesFilters(note, q);
      const page =
        size > WALK_NEWEST_ABOVE * limit
          ? this.walkNewest(ok, limit - hits.length)
          : newestFirst(this.notesOf(new Set(sets.flatMap((set) => [...set]))), ok, limit - hits.length);
      for (const note of page) {
        seen.add(note.record.id);
        hits.push({ id: note.record.id, score: tier * TIER_SPAN, matches: reasons(note) });
      }
    };
    scored(['title', 'body']);
    tagged(tiers.exact, TIER.labels);
    tagged(tiers.synonym, TIER.synonym);
    tagged(tiers.broader, TIER.broader);
    if (hits.length < limit) scored(['ocr']);
    if (hits.length < limit) scored(['maybe']);
    return hits;
  }

  private passesFilters(note: IndexedNote, q: SearchQuery): boolean {
    const r = note.record;
    if (q.notebooks.length > 0 && !q.notebooks.includes(r.notebookId)) return false;
    if (q.after !== undefined && r.createdAt < q.after) return false;
    if (q.before !== undefined && r.createdAt >= q.before) return false;
    return q.labels.every((label) => labelMatch(note, label) !== undefined);
  }

  private chipMatches(note: IndexedNote, q: SearchQuery): SearchMatch[] {
    return q.labels.flatMap((label) => labelMatch(note, label) ?? []);
  }

  /**
   * Chips without words have no relevance to rank by, so newest first (score 0). A
   * label chip starts from the notes carrying the rarest of the labels; notebook and
   * date chips alone walk all notes, which is a few ms at 100k.
   */
  private chipsOnly(q: SearchQuery, limit: number): SearchHit[] {
    const passes = (note: IndexedNote) => this.passesFilters(note, q);
    let found: IndexedNote[];
    if (q.labels.length === 0) {
      found = this.walkNewest((note) => passes(note), limit);
    } else {
      const sets = q.labels.map((label) => this.labelNotes.get(label) ?? new Set<string>());
      const rarest = sets.reduce((a, b) => (b.size < a.size ? b : a));
      // A common label (label:animal on a fifth of the notes) fills a page after a few
      // hundred of the newest notes; a rare one is cheaper to take from its own set.
      found =
        rarest.size > WALK_NEWEST_ABOVE * limit
          ? this.walkNewest((note) => rarest.has(note.record.id) && passes(note), limit)
          : newestFirst(this.notesOf(rarest), passes, limit);
    }
    return found.map((n) => ({ id: n.record.id, score: 0, matches: this.chipMatches(n, q) }));
  }

  /** The `limit` newest notes that pass, walking all notes newest first and stopping at a full page. */
  private walkNewest(passes: (note: IndexedNote) => boolean, limit: number): IndexedNote[] {
    this.byNewest ??= [...this.notes.values()].sort((a, b) => b.record.createdAt - a.record.createdAt || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0));
    const page: IndexedNote[] = [];
    for (const note of this.byNewest) {
      if (page.length >= limit) break;
      if (passes(note)) page.push(note);
    }
    return page;
  }

  private *notesOf(ids: Iterable<string>): Generator<IndexedNote> {
    for (const id of ids) {
      const note = this.notes.get(id);
      if (note) yield note;
    }
  }

  /**
   * Broader terms of a label, nearest first. A label the taxonomy does not know (an
   * imported classifier's "moped") also gets the COCO labels the expansion table says it
   * is a word for, and theirs: so "vehicle" and "motorcycle" find it too.
   */
  private broaderOf(label: string): readonly string[] {
    let terms = this.broaderCache.get(label);
    if (!terms) {
      const resolved = this.taxonomy.has(label) ? [] : this.expansion.resolve(label);
      terms = [...new Set([...this.taxonomy.broaderTerms(label), ...resolved.flatMap((r) => [r, ...this.taxonomy.broaderTerms(r)])])].filter((t) => t !== label);
      this.broaderCache.set(label, terms);
    }
    return terms;
  }

  private indexNote(record: NoteRecord): ReturnType<typeof indexNote> {
    const broaderOf = (label: string) => this.broaderOf(label);
    const isLabel = (word: string) => this.taxonomy.has(word);
    const key = labelPartsKey(record);
    let parts = this.partsCache.get(key);
    if (!parts) {
      // Bounded: label sets of notes long gone would otherwise pile up over a long session.
      if (this.partsCache.size >= PARTS_CACHED) this.partsCache.clear();
      this.partsCache.set(key, (parts = labelParts(record, broaderOf, isLabel)));
    }
    return indexNote(record, broaderOf, isLabel, parts);
  }

  private track(note: IndexedNote, add: boolean): void {
    const id = note.record.id;
    const update = (map: Map<string, Set<string>>, term: string) => {
      let ids = map.get(term);
      if (add) {
        if (!ids) map.set(term, (ids = new Set()));
        ids.add(id);
      } else if (ids) {
        ids.delete(id);
        if (ids.size === 0) map.delete(term);
      }
    };
    for (const term of note.labels.keys()) update(this.ownLabelNotes, term);
    for (const term of [...note.labels.keys(), ...note.broader.keys()]) update(this.labelNotes, term);
  }
}
