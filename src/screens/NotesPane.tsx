import { createMemo, createSignal, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { readLabels, readOcr } from '../../sync/notebook/labels.ts';
import { createNote, notesMap, readNote, readNotes } from '../../sync/notebook/notes.ts';
import { failInterruptedImports, notesToTag, readNotePhoto, readTaggingStatus } from '../../sync/notebook/photos.ts';
import type { OpenNotebook } from '../../sync/vault/vault.ts';
import { docVersion } from '../app/doc-version.ts';
import { importPhotos, isImporting } from '../app/import-photos.ts';
import type { TaggingService } from '../app/tagging-service.ts';
import { NoteEditor } from '../components/NoteEditor.tsx';
import { PhotoImport } from '../components/PhotoImport.tsx';
import { NoteListItem, type NoteRow } from '../components/NoteListItem.tsx';
import { NoteGrid } from '../components/NoteGrid.tsx';
import { CameraCapture } from '../components/CameraCapture.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { SearchResults } from '../components/SearchResults.tsx';
import { createNotebookSearch, withDateFilter, type DateFilter } from '../app/notebook-search.ts';

// Every file, images or not: one that is not a photo gets a note that says so.
const filesOf = (list: FileList | null | undefined): File[] => Array.from(list ?? []);

/**
 * One notebook: its notes, newest first, and the editor for the chosen one. Photos come
 * in by the picker, by dropping files on this pane, or by pasting.
 */
export function NotesPane(props: { notebook: OpenNotebook; blobs: BlobStore; tagging: TaggingService }) {
  const version = docVersion(props.notebook.doc);
  const doc = () => props.notebook.doc;
  /**
   * A card's row, read when the card is rendered: with 10,000 notes only the ~30 cards
   * in the window read labels and OCR, not every note on every keystroke.
   */
  const rowOf = (id: string): NoteRow | undefined => {
    const note = readNote(doc(), id);
    if (!note) return undefined;
    return {
      ...note,
      photo: readNotePhoto(doc(), id),
      status: readTaggingStatus(doc(), id),
      labels: [...new Set(readLabels(doc(), id).sort((a, b) => b.score - a.score).map((l) => l.label))],
      // Stray one- and two-character reads (a logo, a texture) make poor snippets.
      ocr: readOcr(doc(), id).map((l) => l.text.trim()).filter((t) => t.length >= 3).join(' '),
    };
  };
  // The grid is keyed by id so an edit re-renders a card's text, not the card (and its thumbnail).
  const ids = createMemo(() => (version(), readNotes(doc()).map((note) => note.id)), [], {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  const [selected, setSelected] = createSignal<string>();
  const search = createNotebookSearch(doc(), props.notebook.id);
  const [query, setQuery] = createSignal('');
  const [when, setWhen] = createSignal<DateFilter>({ kind: 'any' });
  const hits = createMemo(() => {
    search.version();
    const q = withDateFilter(query(), when(), Date.now());
    return q ? search.index.search(q) : undefined;
  });
  const [dragging, setDragging] = createSignal(false);
  // The chosen note stays in the editor even when a search leaves it out of the results.
  const current = createMemo(() => {
    version();
    const id = selected();
    return id !== undefined && notesMap(doc()).has(id) ? id : ids()[0];
  });
  /** A card whose row is re-read when the doc changes; `children` go below it (search's reasons). */
  const NoteCard = (cardProps: { id: string; children?: JSX.Element }) => {
    const row = createMemo(() => (version(), rowOf(cardProps.id)));
    return (
      <Show when={row()}>
        {(note) => (
          <NoteListItem note={note()} current={current() === cardProps.id} onSelect={() => open(cardProps.id)} blobs={props.blobs} notebookId={props.notebook.id}>
            {cardProps.children}
          </NoteListItem>
        )}
      </Show>
    );
  };

  // On a phone the editor sits below the list: bring the chosen note into view.
  const open = (id: string) => {
    setSelected(id);
    if (matchMedia('(max-width: 720px)').matches) requestAnimationFrame(() => document.querySelector('.editor')?.scrollIntoView({ block: 'start' }));
  };
  const add = () => setSelected(createNote(doc(), { title: '' }));
  const importFiles = (files: File[]) => {
    if (files.length === 0) return;
    void importPhotos(props.notebook, files, props.blobs, props.tagging).then((ids) => ids[0] && setSelected(ids[0]));
  };

  // Photos whose tagging did not finish last time (tab closed) or came from an older pipeline.
  onMount(() => {
    failInterruptedImports(doc(), isImporting);
    props.tagging.enqueue(props.notebook, notesToTag(doc(), props.tagging.pipelineVersion));
    // ?debug=notes: the e2e scale test fills this notebook through src/app/notes-debug-hook.ts.
    if (new URLSearchParams(location.search).get('debug') === 'notes') {
      let uninstall: (() => void) | undefined;
      void import('../app/notes-debug-hook.ts').then((m) => (uninstall = m.installNotesDebugHook(doc())));
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
      classList={{ dragging: dragging() }}
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
        <SearchBox suggest={(text) => (search.version(), search.index.suggest(text))} onQuery={setQuery} when={when()} onWhen={setWhen} />
        <p class="hint drop-hint">Drop or paste photos here.</p>
        <Show
          when={hits()}
          fallback={
            <NoteGrid
              ids={ids()}
              label="All notes"
              item={(id) => <NoteCard id={id} />}
              empty={<li class="empty">No notes yet. Write one, take or import photos, and they tag themselves.</li>}
            />
          }
        >
          {(found) => (
            <SearchResults query={query()} hits={found()} rowOf={(id) => (version(), rowOf(id))} card={(id, reasons) => <NoteCard id={id}>{reasons}</NoteCard>} />
          )}
        </Show>
      </section>
      {/* Keyed by id, not by the note view: a new view per keystroke would remount the editor. */}
      <Show when={current()} keyed>
        {(id) => <NoteEditor notebook={props.notebook} noteId={id} blobs={props.blobs} tagging={props.tagging} />}
      </Show>
    </div>
  );
}
