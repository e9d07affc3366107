import { describeMatches } from './describe-matches.ts';
import { type IndexedNote, indexNote, labelMatch, sameIndexedContent } from './indexed-note.ts';
import type { NoteRecord, SearchHit, SearchMatch } from './note-record.ts';
import { type SearchQuery, isEmptyQuery, parseSearchQuery } from './parse-search-query.ts';
import { type PhraseSuggestion, suggestQueries, type Suggestion } from './suggest-queries.ts';
import { TermIndex, type TermHit } from './term-index.ts';
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

/** A label set larger than this many pages is read by walking the newest notes instead. */
const WALK_NEWEST_ABOVE = 8;
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
  private readonly broaderCache = new Map<string, readonly string[]>();
  /** Every note, newest first; rebuilt lazily after a note is added, removed or re-dated. */
  private byNewest: IndexedNote[] | undefined;
  private readonly taxonomy: Taxonomy;
  private readonly terms = new TermIndex();

  constructor(options: NoteSearchIndexOptions = {}) {
    this.taxonomy = options.taxonomy ?? defaultTaxonomy;
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
    const tagged = q.words.length === 1 ? this.labelNotes.get(q.words[0] ?? '') : undefined;
    if (tagged && tagged.size > WALK_NEWEST_ABOVE * limit) return this.searchCommonTag(q.words[0] ?? '', tagged, q, limit, passes);
    // One word: typo tolerance only when the word as typed (and its completions) does not
    // fill the page, since fuzzy expansion of a common word multiplies the hits to score.
    // Not for several words: their AND rarely fills a page, and two searches cost more than one.
    const fuzzyMatters = q.words.length === 1 && (q.words[0]?.length ?? 0) >= 4;
    let found = this.terms.search({ words: q.words, fuzzy: !fuzzyMatters }, limit, passes);
    if (fuzzyMatters && found.hits.length < limit) found = this.terms.search({ words: q.words }, limit, passes);

    return found.hits.map((r) => {
      const note = this.notes.get(r.id) as IndexedNote;
      const chips = this.chipMatches(note, q);
      const words = q.words.length > 0 ? describeMatches(note, r.match, r.queryTerms) : [];
      return { id: note.record.id, score: r.score, matches: [...chips, ...words] };
    });
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

  /**
   * One word that is a label or broader term of many notes ("vehicle" on 40% of them):
   * scoring every tagged note would cost as much as a linear scan. Notes that say the word
   * in their title, body or photo text come first, by relevance; then the notes tagged with
   * it, newest first, up to the page. Also the order a person expects: written beats tagged.
   */
  private searchCommonTag(word: string, tagged: ReadonlySet<string>, q: SearchQuery, limit: number, passes: ((id: string) => boolean) | undefined): SearchHit[] {
    const written: TermHit[] = this.terms.search({ words: [word], fields: ['title', 'body', 'ocr'], fuzzy: false }, limit, passes).hits;
    const hits: SearchHit[] = written.map((r) => {
      const note = this.notes.get(r.id) as IndexedNote;
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
