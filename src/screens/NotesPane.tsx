import { batch, createEffect, createMemo, createSignal, on, onCleanup, onMount, Show, untrack, type JSX } from 'solid-js';
import type * as Y from 'yjs';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { readLabels, readOcr } from '../../sync/notebook/labels.ts';
import { newestFirstIds } from '../../sync/notebook/note-order.ts';
import { createNote, notesMap, readNote } from '../../sync/notebook/notes.ts';
import { failInterruptedImports, notesToTag, readNotePhoto, readTaggingStatus } from '../../sync/notebook/photos.ts';
import type { OpenNotebook } from '../../sync/vault/notebook-registry.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { docVersion } from '../app/doc-version.ts';
import { holdOrder, type HeldOrder } from '../../sync/notebook/held-order.ts';
import { importPhotos, isImporting } from '../app/import-photos.ts';
import { browserPhotoLocks } from '../app/services.ts';
import type { TaggingService } from '../app/tagging-service.ts';
import type { PeopleService } from '../app/people-service.ts';
import { personHits, withPersonHits } from '../app/person-hits.ts';
import { NoteEditor } from '../components/NoteEditor.tsx';
import { PhotoImport } from '../components/PhotoImport.tsx';
import { NoteListItem, type NoteRow } from '../components/NoteListItem.tsx';
import { NoteGrid } from '../components/NoteGrid.tsx';
import { CameraCapture } from '../components/CameraCapture.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { SearchResults } from '../components/SearchResults.tsx';
import {
  createAllNotebooksSearch,
  createNotebookSearch,
  rememberNoteToOpen,
  takeNoteToOpen,
  withDateFilter,
  type DateFilter,
  type SearchScope,
} from '../app/notebook-search.ts';
import { vaultSearchIndexStore } from '../app/kept-search-index.ts';

// Every file, images or not: one that is not a photo gets a note that says so.
const filesOf = (list: FileList | null | undefined): File[] => Array.from(list ?? []);

/**
 * One notebook: its notes, newest first, and the editor for the chosen one. Photos come
 * in by the picker, by dropping files on this pane, or by pasting.
 */
export function NotesPane(props: {
  notebook: OpenNotebook;
  blobs: BlobStore;
  tagging: TaggingService;
  /** With these, search can span every notebook and open a hit in another one. */
  vault?: Vault;
  onOpenNotebook?: (id: string) => void;
  /** People ("Group faces"): a person's name finds the notes their face is on. */
  people?: PeopleService;
  /** Aborts when the vault locks: imports stop there and resume after the unlock. */
  stop?: AbortSignal;
}) {
  const version = docVersion(props.notebook.doc);
  const doc = () => props.notebook.doc;
  /**
   * A card's row, read when the card is rendered: with 10,000 notes only the ~30 cards
   * in the window read labels and OCR, not every note on every keystroke.
   */
  const rowOf = (id: string, from: Y.Doc = doc()): NoteRow | undefined => {
    const note = readNote(from, id);
    if (!note) return undefined;
    const labels = readLabels(from, id);
    return {
      ...note,
      photo: readNotePhoto(from, id),
      status: readTaggingStatus(from, id),
      labels: [...new Set(labels.sort((a, b) => b.score - a.score).map((l) => l.label))],
      mine: labels.filter((l) => l.source === 'user').map((l) => l.label),
      // Stray one- and two-character reads (a logo, a texture) make poor snippets.
      ocr: readOcr(from, id).map((l) => l.text.trim()).filter((t) => t.length >= 3).join(' '),
    };
  };
  // The grid is keyed by id so an edit re-renders a card's text, not the card (and its thumbnail).
  const ids = createMemo(() => (version(), newestFirstIds(notesMap(doc()))), [], {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  // The grid holds its order while the pointer is on it or focus is in it (sync/notebook/held-order.ts).
  const [pointerOn, setPointerOn] = createSignal(false);
  const [focusIn, setFocusIn] = createSignal(false);
  const [held, setHeld] = createSignal<readonly string[] | undefined>();
  createEffect(on(() => pointerOn() || focusIn(), (holding) => setHeld(holding ? untrack(ids) : undefined)));
  const grid = createMemo<HeldOrder>(() => {
    const order = held();
    return order ? holdOrder(order, ids()) : { shown: ids(), added: 0, moved: false };
  });
  /** Shows the current order; still held at it if the person is still on the grid. */
  const showLatest = () => setHeld((order) => order && untrack(ids));
  // A hit picked in another notebook's results opens here, selected.
  const [selected, setSelected] = createSignal<string | undefined>(takeNoteToOpen(props.notebook.id));
  const vault = props.vault;
  // Kept sealed between unlocks, so reopening a large notebook does not build it again.
  const search = createNotebookSearch(doc(), props.notebook.id, undefined, vault ? vaultSearchIndexStore(vault, props.notebook.id) : undefined);
  const [query, setQuery] = createSignal('');
  const [when, setWhen] = createSignal<DateFilter>({ kind: 'any' });
  const [scope, setScope] = createSignal<SearchScope>('this');
  const everywhere = vault
    ? createAllNotebooksSearch(async () => {
        const opened: OpenNotebook[] = [];
        for (const { id } of vault.notebooks.list()) {
          const result = id === props.notebook.id ? { ok: true as const, value: props.notebook } : await vault.notebooks.open(id);
          if (result.ok) opened.push(result.value);
        }
        return opened;
      })
    : undefined;
  const chooseScope = (next: SearchScope) => {
    setScope(next);
    if (next === 'all') everywhere?.start();
  };
  const indexHits = createMemo(() => {
    const q = withDateFilter(query(), when(), Date.now());
    if (scope() === 'all' && everywhere) {
      everywhere.version();
      // Across notebooks, a word of a notebook's name finds its notes (read here, so a rename counts).
      everywhere.index.setNotebookNames(new Map((vault?.notebooks.list() ?? []).map((n) => [n.id, n.name])));
      return q ? everywhere.index.search(q) : undefined;
    }
    search.version();
    return q ? search.index.search(q) : undefined;
  });
  // A person's name (the People screen) finds the notes their face is on, first.
  const hits = createMemo(() => {
    const people = props.people?.people() ?? [];
    const inScope = (notebookId: string) => scope() === 'all' || notebookId === props.notebook.id;
    return withPersonHits(indexHits(), people.length > 0 && when().kind === 'any' ? personHits(people, query(), inScope) : []);
  });
  // Search results replace the grid without a pointerleave: nothing holds a grid not shown.
  createEffect(
    on(hits, (found) => {
      if (found) batch(() => (setPointerOn(false), setFocusIn(false)));
    }),
  );
  /** Where a hit lives: this notebook unless "All notebooks" found it elsewhere. */
  const notebookOf = (id: string): OpenNotebook => (scope() === 'all' ? everywhere?.notebookOf(id) : undefined) ?? props.notebook;
  const [dragging, setDragging] = createSignal(false);
  // The chosen note stays in the editor even when a search leaves it out of the results.
  const current = createMemo(() => {
    version();
    const id = selected();
    return id !== undefined && notesMap(doc()).has(id) ? id : grid().shown[0];
  });
  /** A card whose row is re-read when the doc changes; `children` go below it (search's reasons). */
  const NoteCard = (cardProps: { id: string; notebook?: OpenNotebook; children?: JSX.Element }) => {
    const notebook = () => cardProps.notebook ?? props.notebook;
    const elsewhere = () => notebook() !== props.notebook;
    const row = createMemo(() => (version(), everywhere?.version(), rowOf(cardProps.id, notebook().doc)));
    const select = () => {
      if (!elsewhere()) return open(cardProps.id);
      rememberNoteToOpen(notebook().id, cardProps.id);
      props.onOpenNotebook?.(notebook().id);
    };
    return (
      <Show when={row()}>
        {(note) => (
          <NoteListItem note={note()} current={!elsewhere() && current() === cardProps.id} onSelect={select} blobs={props.blobs} notebookId={notebook().id}>
            <Show when={elsewhere()}>
              <p class="note-where">In {vault?.notebooks.list().find((n) => n.id === notebook().id)?.name || 'another notebook'}</p>
            </Show>
            {cardProps.children}
          </NoteListItem>
        )}
      </Show>
    );
  };

  // On a phone (styles.css, max-width 720px) the grid and the note take turns, full-width: an
  // opened note hides the grid until "Back to notes", which returns to where the grid was.
  const [noteOpen, setNoteOpen] = createSignal(false);
  let gridScrollY = 0;
  const open = (id: string) => {
    setSelected(id);
    gridScrollY = scrollY;
    setNoteOpen(true);
    if (matchMedia('(max-width: 720px)').matches) requestAnimationFrame(() => document.querySelector('.note-view')?.scrollIntoView({ block: 'start' }));
  };
  const back = () => {
    setNoteOpen(false);
    requestAnimationFrame(() => scrollTo(0, gridScrollY));
  };
  // What the person adds here shows at once, on top, even while the grid is held.
  const add = () => {
    open(createNote(doc(), { title: '' }));
    showLatest();
  };
  const locks = browserPhotoLocks();
  const importFiles = (files: File[]) => {
    if (files.length === 0) return;
    // Photos dropped on the grid leave the pointer on it: the person is waiting for their
    // notes, so the grid follows until the pointer comes back (or focus goes in).
    batch(() => (setPointerOn(false), setFocusIn(false)));
    void importPhotos(props.notebook, files, props.blobs, props.tagging, locks, props.stop).then((ids) => {
      if (ids[0]) setSelected(ids[0]);
      showLatest();
    });
  };

  // Photos whose tagging did not finish last time (tab closed) or came from an older pipeline.
  // A note whose photo lock a tab holds is that tab's import or tagging, running now: not interrupted.
  let mounted = true;
  onCleanup(() => (mounted = false));
  onMount(() => {
    const notebook = props.notebook;
    void locks.held(notebook.id).then((held) => {
      if (!mounted) return;
      failInterruptedImports(notebook.doc, (id) => isImporting(id) || held.has(id));
      // A photo a lock stopped mid-import is queued by its resumed import, once it is stored again.
      props.tagging.enqueue(notebook, notesToTag(notebook.doc, props.tagging.pipelineVersion).filter((id) => !isImporting(id)));
    });
    // e2e build only (src/app/test-hooks.ts): the scale test fills this notebook.
    if (__OBSCURA_TEST_HOOKS__) {
      let uninstall: (() => void) | undefined;
      void import('../app/test-hooks.ts').then(async (hooks) => (uninstall = await hooks.installNotebookHooks(doc())));
      onCleanup(() => uninstall?.());
    }
  });

  const onPaste = (e: ClipboardEvent) => {
    const files = filesOf(e.clipboardData?.files).filter((f) => f.type.startsWith('image/'));
    if (files.length === 0) return;
    e.preventDefault();
    importFiles(files);
  };
  document.addEventListener('paste', onPaste);
  onCleanup(() => document.removeEventListener('paste', onPaste));

  return (
    <div
      class="notes"
      classList={{ dragging: dragging(), 'note-open': noteOpen() }}
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => e.currentTarget === e.target && setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        importFiles(filesOf(e.dataTransfer?.files));
      }}
    >
      <section class="note-list" aria-label="Notes">
        <div class="note-actions">
          <button type="button" class="primary" onClick={add}>
            New note
          </button>
          <CameraCapture onPhoto={(file) => importFiles([file])} />
          <PhotoImport tagging={props.tagging} onFiles={importFiles} />
        </div>
        <SearchBox suggest={(text) => (search.version(), search.index.suggest(text))} onQuery={setQuery} when={when()} onWhen={setWhen} scope={everywhere ? scope() : undefined} onScope={chooseScope} />
        <p class="hint drop-hint">Drop or paste photos here.</p>
        <Show when={scope() === 'all' && everywhere?.state() !== 'ready' ? everywhere?.state() : undefined}>
          {(state) => (
            <p class={state() === 'failed' ? 'error' : 'hint'} role="status">
              {state() === 'failed' ? 'Some notebooks could not be opened for search.' : 'Opening every notebook to search them…'}
            </p>
          )}
        </Show>
        <Show
          when={hits()}
          fallback={
            <div
              class="grid-hold"
              onPointerEnter={() => setPointerOn(true)}
              onPointerLeave={() => setPointerOn(false)}
              onFocusIn={() => setFocusIn(true)}
              onFocusOut={(e) => setFocusIn(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))}
            >
              {/* Over the grid, not above it: appearing must not push the cards down. */}
              <Show when={grid().added > 0 || grid().moved}>
                <button type="button" class="grid-news" onClick={showLatest}>
                  {grid().added > 0 ? `${grid().added} new note${grid().added === 1 ? '' : 's'} — show` : 'Notes changed — show newest first'}
                </button>
              </Show>
              <NoteGrid
                ids={grid().shown}
                label="All notes"
                item={(id) => <NoteCard id={id} />}
                empty={<li class="empty">No notes yet. Write one, take or import photos, and they tag themselves.</li>}
              />
            </div>
          }
        >
          {(found) => (
            <SearchResults
              query={query()}
              hits={found()}
              rowOf={(id) => (version(), rowOf(id, notebookOf(id).doc))}
              card={(id, reasons) => (
                <NoteCard id={id} notebook={notebookOf(id)}>
                  {reasons}
                </NoteCard>
              )}
            />
          )}
        </Show>
      </section>
      {/* Keyed by id, not by the note view: a new view per keystroke would remount the editor. */}
      <div class="note-view">
        <button type="button" class="back-to-notes" onClick={back}>
          <span aria-hidden="true">← </span>Back to notes
        </button>
        <Show when={current()} keyed>
          {(id) => <NoteEditor notebook={props.notebook} noteId={id} blobs={props.blobs} tagging={props.tagging} matches={hits()?.find((h) => h.id === id)?.matches} />}
        </Show>
      </div>
    </div>
  );
}
