import { createSignal, getOwner, onCleanup, runWithOwner, type Accessor } from 'solid-js';
import type * as Y from 'yjs';
import { NoteSearchIndex } from '../../ml/search/search-index.ts';
import { isEmptyQuery, parseSearchQuery, type SearchQuery } from '../../ml/search/parse-search-query.ts';
import { notesMap } from '../../sync/notebook/notes.ts';
import { loadKept, type SearchIndexStore } from '../../ml/search/kept-index.ts';
import { buildIndex, chooseNotebookIndex, keepNotebookIndex } from './kept-search-index.ts';
import { noteRecordOf } from './note-record-of.ts';
import type { OpenNotebook } from '../../sync/vault/notebook-registry.ts';

export interface NotebookSearch {
  /** The index searched; replaced once when a kept one is read (version changes then). */
  readonly index: NoteSearchIndex;
  /** Changes after every batch of upserts, so memos that search re-run. */
  readonly version: Accessor<number>;
  /** False while the kept index is being loaded: search finds nothing until then. */
  readonly ready: Accessor<boolean>;
}

/**
 * Quiet time after the last change before the kept index is written again: writing encodes
 * the whole index on the main thread (`npm run bench -- search reopen` prints what that
 * costs), so a larger notebook waits longer: 3 s, plus 1 s per 10,000 notes.
 */
const keepAfterMs = (notes: number) => 3_000 + notes / 10;

/**
 * Note: ids come from the deep events of the notes map, not from a diff of all notes.
 * A keystroke touches one note's Y.Text, so it re-reads one note; MiniSearch is
 * updated in place (upsert of unchanged content is free), never rebuilt.
 */
function changedNoteIds(events: readonly Y.YEvent<Y.AbstractType<unknown>>[], notes: Y.Map<Y.Map<unknown>>): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.target === notes) {
      for (const key of event.changes.keys.keys()) ids.add(key);
    } else {
      const first = event.path[0];
      if (typeof first === 'string') ids.add(first);
    }
  }
  return ids;
}

/**
 * A search index over one open notebook, fed only the notes each transaction changed (local
 * typing, tagging results, or remote edits alike). With a store, it starts from the index kept
 * at the last change when that is of the doc as it is (kept-search-index.ts), else builds it;
 * and keeps it again a few seconds after the last change, so the next unlock needs no build.
 */
export function createNotebookSearch(doc: Y.Doc, notebookId: string, index?: NoteSearchIndex, store?: SearchIndexStore): NotebookSearch {
  const [version, setVersion] = createSignal(0);
  const [ready, setReady] = createSignal(false);
  const notes = notesMap(doc);
  let current = index ?? new NoteSearchIndex();
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const keep = () => {
    timer = undefined;
    // A vault that locked meanwhile refuses the write: the next unlock rebuilds.
    if (store) keepNotebookIndex(doc, current, store).catch(() => undefined);
  };
  const keepLater = () => {
    if (!store || closed) return;
    clearTimeout(timer);
    timer = setTimeout(keep, keepAfterMs(current.size));
  };
  const apply = (ids: Iterable<string>) => {
    for (const id of ids) {
      const record = noteRecordOf(doc, notebookId, id);
      if (record) current.upsert(record);
      else current.remove(id);
    }
    setVersion((v) => v + 1);
    keepLater();
  };
  const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => apply(changedNoteIds(events, notes));
  const start = (built: boolean) => {
    notes.observeDeep(observer);
    setReady(true);
    setVersion((v) => v + 1);
    if (built) keepLater();
  };
  if (!store || index) {
    buildIndex(doc, notebookId, current);
    start(false);
  } else {
    void loadKept(store).then((kept) => {
      if (closed) return;
      const opened = chooseNotebookIndex(doc, notebookId, kept);
      current = opened.index;
      start(opened.from === 'built' || opened.rejected !== undefined);
    });
  }
  onCleanup(() => {
    closed = true;
    notes.unobserveDeep(observer);
    // A change not yet kept is kept now, while the vault is still open.
    if (timer !== undefined) {
      clearTimeout(timer);
      keep();
    }
  });
  return {
    get index() {
      return current;
    },
    version,
    ready,
  };
}

/** Which notes a search covers: the open notebook, or every notebook of the vault. */
export type SearchScope = 'this' | 'all';

/** The search box's "When" choice: a span ending now, or days picked by hand (local time). */
export type DateFilter =
  | { readonly kind: 'any' }
  | { readonly kind: 'today' }
  | { readonly kind: 'days'; readonly days: 7 | 30 | 365 }
  | { readonly kind: 'range'; readonly from?: string; readonly to?: string };

const DAY_MS = 86_400_000;

/** Start of the local day of `time`. */
function startOfDay(time: number): number {
  const d = new Date(time);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** `YYYY-MM-DD` of an `<input type=date>` as the start of that local day; undefined if empty or bad. */
function dayOf(value: string | undefined): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : undefined;
}

/** createdAt bounds of a filter: after inclusive, before exclusive (as `after:`/`before:` chips). */
export function dateBounds(filter: DateFilter, now: number): { after?: number; before?: number } {
  switch (filter.kind) {
    case 'any':
      return {};
    case 'today':
      return { after: startOfDay(now) };
    case 'days':
      // "Last 7 days" is today and the six days before it, whole days.
      return { after: startOfDay(now) - (filter.days - 1) * DAY_MS };
    case 'range': {
      const from = dayOf(filter.from);
      const to = dayOf(filter.to);
      // "to" is the last day wanted, so the bound is the start of the day after it.
      return { after: from, before: to === undefined ? undefined : to + DAY_MS };
    }
  }
}

/**
 * The search box's text with the "When" choice applied on top of any `after:`/`before:`
 * typed (both must hold, so the narrower bound wins). Undefined when nothing is asked:
 * the grid shows instead of results.
 */
export function withDateFilter(text: string, filter: DateFilter, now: number): SearchQuery | undefined {
  const q = parseSearchQuery(text);
  const { after, before } = dateBounds(filter, now);
  const merged: SearchQuery = {
    ...q,
    after: after === undefined ? q.after : Math.max(after, q.after ?? after),
    before: before === undefined ? q.before : Math.min(before, q.before ?? before),
  };
  return isEmptyQuery(merged) ? undefined : merged;
}

export interface AllNotebooksSearch {
  readonly index: NoteSearchIndex;
  /** Changes after every batch of upserts in any notebook. */
  readonly version: Accessor<number>;
  readonly state: Accessor<'idle' | 'opening' | 'ready' | 'failed'>;
  /** The open notebook a hit lives in. */
  notebookOf(noteId: string): OpenNotebook | undefined;
  /** Opens every notebook and indexes it; only the first call does anything. */
  start(): void;
}

/**
 * One index over every notebook of the vault, for "All notebooks": built on first use
 * (opening each notebook decrypts it), then kept current by the same per-transaction
 * feed as one notebook's, for as long as the pane that made it lives. One index, not one
 * per notebook, so scores and "newest first" compare across notebooks.
 */
export function createAllNotebooksSearch(openAll: () => Promise<readonly OpenNotebook[]>): AllNotebooksSearch {
  const owner = getOwner();
  const index = new NoteSearchIndex();
  const [feeds, setFeeds] = createSignal<readonly NotebookSearch[]>([]);
  const [state, setState] = createSignal<'idle' | 'opening' | 'ready' | 'failed'>('idle');
  const notebooks = new Map<string, OpenNotebook>();
  return {
    index,
    version: () => feeds().reduce((sum, feed) => sum + feed.version(), 0),
    state,
    notebookOf: (noteId) => notebooks.get(index.notebookOf(noteId) ?? ''),
    start() {
      if (state() !== 'idle') return;
      setState('opening');
      openAll().then(
        (list) =>
          runWithOwner(owner, () => {
            for (const notebook of list) notebooks.set(notebook.id, notebook);
            setFeeds(list.map((notebook) => createNotebookSearch(notebook.doc, notebook.id, index)));
            setState('ready');
          }),
        () => setState('failed'),
      );
    },
  };
}

/** A note picked in another notebook's results, to be selected when that notebook's pane opens. */
let noteToOpen: { notebookId: string; noteId: string } | undefined;

export function rememberNoteToOpen(notebookId: string, noteId: string): void {
  noteToOpen = { notebookId, noteId };
}

export function takeNoteToOpen(notebookId: string): string | undefined {
  if (noteToOpen?.notebookId !== notebookId) return undefined;
  const { noteId } = noteToOpen;
  noteToOpen = undefined;
  return noteId;
}
