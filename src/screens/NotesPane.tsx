import { createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { readLabels, readOcr } from '../../sync/notebook/labels.ts';
import { createNote, readNotes } from '../../sync/notebook/notes.ts';
import { failInterruptedImports, notesToTag, readNotePhoto, readTaggingStatus } from '../../sync/notebook/photos.ts';
import type { OpenNotebook } from '../../sync/vault/vault.ts';
import { docVersion } from '../app/doc-version.ts';
import { importPhotos, isImporting } from '../app/import-photos.ts';
import type { TaggingService } from '../app/tagging-service.ts';
import { NoteEditor } from '../components/NoteEditor.tsx';
import { PhotoImport } from '../components/PhotoImport.tsx';
import { NoteListItem, type NoteRow } from '../components/NoteListItem.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { SearchResults } from '../components/SearchResults.tsx';
import { createNotebookSearch } from '../app/notebook-search.ts';

// Every file, images or not: one that is not a photo gets a note that says so.
const filesOf = (list: FileList | null | undefined): File[] => Array.from(list ?? []);

/**
 * One notebook: its notes, newest first, and the editor for the chosen one. Photos come
 * in by the picker, by dropping files on this pane, or by pasting.
 */
export function NotesPane(props: { notebook: OpenNotebook; blobs: BlobStore; tagging: TaggingService }) {
  const version = docVersion(props.notebook.doc);
  const doc = () => props.notebook.doc;
  const notes = createMemo((): NoteRow[] =>
    (version(), readNotes(doc())).map((note) => ({
      ...note,
      photo: readNotePhoto(doc(), note.id),
      status: readTaggingStatus(doc(), note.id),
      labels: [...new Set(readLabels(doc(), note.id).sort((a, b) => b.score - a.score).map((l) => l.label))],
      // Stray one- and two-character reads (a logo, a texture) make poor snippets.
      ocr: readOcr(doc(), note.id).map((l) => l.text.trim()).filter((t) => t.length >= 3).join(' '),
    })),
  );
  const byId = createMemo(() => new Map(notes().map((note) => [note.id, note])));
  // The list is keyed by id so an edit re-renders a row's text, not the row (and its thumbnail).
  const ids = createMemo(() => notes().map((note) => note.id), [], { equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]) });
  const [selected, setSelected] = createSignal<string>();
  const search = createNotebookSearch(doc(), props.notebook.id);
  const [query, setQuery] = createSignal('');
  const hits = createMemo(() => (search.version(), query().trim() === '' ? undefined : search.index.search(query())));
  const [dragging, setDragging] = createSignal(false);
  const current = () => notes().find((note) => note.id === selected()) ?? notes()[0];

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
          <PhotoImport tagging={props.tagging} onFiles={importFiles} />
        </div>
        <SearchBox suggest={(text) => (search.version(), search.index.suggest(text))} onQuery={setQuery} />
        <p class="hint drop-hint">Drop or paste photos here.</p>
        <Show
          when={hits()}
          fallback={
            <ul>
              <For each={ids()} fallback={<li class="empty">No notes yet. Write one, or import photos and they tag themselves.</li>}>
                {(id) => (
                  <Show when={byId().get(id)}>
                    {(note) => (
                      <NoteListItem
                        note={note()}
                        current={current()?.id === id}
                        onSelect={() => open(id)}
                        blobs={props.blobs}
                        notebookId={props.notebook.id}
                      />
                    )}
                  </Show>
                )}
              </For>
            </ul>
          }
        >
          {(found) => (
            <SearchResults query={query()} hits={found()} notes={byId()} current={current()?.id} onSelect={open} blobs={props.blobs} notebookId={props.notebook.id} />
          )}
        </Show>
      </section>
      {/* Keyed by id, not by the note view: a new view per keystroke would remount the editor. */}
      <Show when={current()?.id} keyed>
        {(id) => <NoteEditor notebook={props.notebook} noteId={id} blobs={props.blobs} tagging={props.tagging} />}
      </Show>
    </div>
  );
}
