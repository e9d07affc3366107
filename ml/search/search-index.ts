import MiniSearch, { type SearchOptions as MiniSearchOptions } from 'minisearch';
import { describeMatches } from './describe-matches.ts';
import { type IndexDocument, type IndexedNote, indexNote, labelMatch, sameIndexedContent } from './indexed-note.ts';
import type { NoteRecord, SearchHit, SearchMatch } from './note-record.ts';
import { type SearchQuery, isEmptyQuery, parseSearchQuery } from './parse-search-query.ts';
import { suggestQueries, type Suggestion } from './suggest-queries.ts';
import { type Taxonomy, defaultTaxonomy } from './taxonomy.ts';
import { newestFirst } from './newest-first.ts';
import { tokenize } from './tokenize.ts';

export interface NoteSearchIndexOptions {
  /** Broader terms for labels; the bundled one unless the app extended it. */
  readonly taxonomy?: Taxonomy;
}

export interface SearchOptions {
  /** Hits returned, best first; match reasons are computed only for these. Default 50. */
  readonly limit?: number;
}

const FIELDS = ['title', 'labels', 'broader', 'body', 'ocr'];
/** A label set larger than this many pages is read by walking the newest notes instead. */
const WALK_NEWEST_ABOVE = 8;
/** Title over labels over text: a title is what the person chose to call the note. */
const BOOST = { title: 3, labels: 2, broader: 1.5, body: 1, ocr: 1 };

/**
 * Note: prefix and fuzzy only for words of 4+ letters. "cat" must not find "car"
 * (one edit) nor "catalog" (prefix); short words are typed whole, and `suggest`
 * completes them. Fuzzy 0.2 allows one typo per 5 letters ("recipt" -> "receipt").
 */
const WORD_SEARCH: MiniSearchOptions = {
  fields: FIELDS,
  boost: BOOST,
  combineWith: 'AND',
  prefix: (term) => term.length >= 4,
  fuzzy: (term) => (term.length >= 4 ? 0.2 : false),
  maxFuzzy: 2,
  // While typing, a completion ("moto" -> motorcycle) is meant more often than a typo
  // ("moto" -> "boto"); MiniSearch's defaults (prefix 0.375, fuzzy 0.45) rank the other way.
  weights: { prefix: 0.6, fuzzy: 0.25 },
};

/**
 * Local full-text search over plain note records (ARCHITECTURE §6), on MiniSearch:
 * title, body, labels, their broader taxonomy terms and OCR text. Updated in place
 * with `upsert`/`remove` as notes change; never rebuilt. One index may hold many
 * notebooks; `notebook:<id>` narrows.
 */
export class NoteSearchIndex {
  private readonly notes = new Map<string, IndexedNote>();
  /** Label or broader term -> ids of the notes carrying it: `label:` chips and suggestions. */
  private readonly labelNotes = new Map<string, Set<string>>();
  private readonly broaderCache = new Map<string, readonly string[]>();
  /** Every note, newest first; rebuilt lazily after a note is added, removed or re-dated. */
  private byNewest: IndexedNote[] | undefined;
  private readonly taxonomy: Taxonomy;
  private readonly mini: MiniSearch<IndexDocument>;

  constructor(options: NoteSearchIndexOptions = {}) {
    this.taxonomy = options.taxonomy ?? defaultTaxonomy;
    this.mini = new MiniSearch<IndexDocument>({ fields: FIELDS, tokenize, processTerm: (term) => term });
  }

  get size(): number {
    return this.notes.size;
  }

  has(id: string): boolean {
    return this.notes.has(id);
  }

  /** The notebook an indexed note belongs to: an index over many notebooks says where a hit lives. */
  notebookOf(id: string): string | undefined {
    return this.notes.get(id)?.record.notebookId;
  }

  /** Adds a note or replaces its previous version; unchanged content is a no-op. */
  upsert(record: NoteRecord): void {
    const old = this.notes.get(record.id);
    if (old && sameIndexedContent(old.record, record)) return;
    if (old) this.remove(record.id);
    this.byNewest = undefined;
    const { note, doc } = indexNote(record, (label) => this.broaderOf(label));
    this.mini.add(doc);
    this.notes.set(record.id, note);
    this.track(note, true);
  }

  /** Returns whether the note was indexed. */
  remove(id: string): boolean {
    const old = this.notes.get(id);
    if (!old) return false;
    // discard, not remove: it needs no copy of the old document and vacuums later.
    this.mini.discard(id);
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

    // No filter callback without chips: MiniSearch calls it once per hit, and a common
    // word has tens of thousands of hits at 100k notes.
    const filtered = q.labels.length > 0 || q.notebooks.length > 0 || q.after !== undefined || q.before !== undefined;
    const filter = (r: { id: unknown }) => this.passesFilters(this.notes.get(r.id as string) as IndexedNote, q);
    const wordSearch = filtered ? { ...WORD_SEARCH, filter } : WORD_SEARCH;
    const tagged = q.words.length === 1 ? this.labelNotes.get(q.words[0] ?? '') : undefined;
    if (tagged && tagged.size > WALK_NEWEST_ABOVE * limit) return this.searchCommonTag(q.words[0] ?? '', tagged, q, limit, wordSearch);
    // One word: typo tolerance only when the word as typed (and its completions) does not
    // fill the page, since fuzzy expansion of a common word multiplies the hits to score.
    // Not for several words: their AND rarely fills a page, and two searches cost more than one.
    const fuzzyMatters = q.words.length === 1 && (q.words[0]?.length ?? 0) >= 4;
    let results = this.mini.search(q.words.join(' '), fuzzyMatters ? { ...wordSearch, fuzzy: false } : wordSearch);
    if (fuzzyMatters && results.length < limit) results = this.mini.search(q.words.join(' '), wordSearch);

    return results.slice(0, limit).map((r) => {
      const note = this.notes.get(r.id as string) as IndexedNote;
      const chips = this.chipMatches(note, q);
      const words = q.words.length > 0 ? describeMatches(note, r.match, r.queryTerms) : [];
      return { id: note.record.id, score: r.score, matches: [...chips, ...words] };
    });
  }

  /** Completions for the search box: `label:` chips for known labels, then word phrases. */
  suggest(text: string, limit = 8): Suggestion[] {
    return suggestQueries(text, limit, {
      labelNotes: this.labelNotes,
      autoSuggest: (words) => this.mini.autoSuggest(words, { ...WORD_SEARCH, prefix: (_t, i, all) => i === all.length - 1 }),
    });
  }

  /**
   * One word that is a label or broader term of many notes ("vehicle" on 40% of them):
   * scoring every tagged note would cost as much as a linear scan. Notes that say the word
   * in their title, body or photo text come first, by relevance; then the notes tagged with
   * it, newest first, up to the page. Also the order a person expects: written beats tagged.
   */
  private searchCommonTag(word: string, tagged: ReadonlySet<string>, q: SearchQuery, limit: number, wordSearch: MiniSearchOptions): SearchHit[] {
    const written = this.mini.search(word, { ...wordSearch, fields: ['title', 'body', 'ocr'], fuzzy: false }).slice(0, limit);
    const hits: SearchHit[] = written.map((r) => {
      const note = this.notes.get(r.id as string) as IndexedNote;
      const tag = labelMatch(note, word);
      const words = describeMatches(note, r.match, r.queryTerms);
      return { id: note.record.id, score: r.score, matches: [...this.chipMatches(note, q), ...(tag ? [{ ...tag, query: word }] : []), ...words] };
    });
    if (hits.length >= limit) return hits;
    const seen = new Set(hits.map((h) => h.id));
    const rest = this.walkNewest((note) => tagged.has(note.record.id) && !seen.has(note.record.id) && this.passesFilters(note, q), limit - hits.length);
    for (const note of rest) {
      const tag = labelMatch(note, word);
      hits.push({ id: note.record.id, score: 0, matches: [...this.chipMatches(note, q), ...(tag ? [{ ...tag, query: word }] : [])] });
    }
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

  private broaderOf(label: string): readonly string[] {
    let terms = this.broaderCache.get(label);
    if (!terms) this.broaderCache.set(label, (terms = this.taxonomy.broaderTerms(label)));
    return terms;
  }

  private track(note: IndexedNote, add: boolean): void {
    const id = note.record.id;
    for (const term of [...note.labels.keys(), ...note.broader.keys()]) {
      let ids = this.labelNotes.get(term);
      if (add) {
        if (!ids) this.labelNotes.set(term, (ids = new Set()));
        ids.add(id);
      } else if (ids) {
        ids.delete(id);
        if (ids.size === 0) this.labelNotes.delete(term);
      }
    }
  }
}
