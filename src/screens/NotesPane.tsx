import { createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { readLabels, readOcr } from '../../sync/notebook/labels.ts';
import { createNote, readNotes } from '../../sync/notebook/notes.ts';
import { notesToTag, readNotePhoto, readTaggingStatus } from '../../sync/notebook/photos.ts';
import type { OpenNotebook } from '../../sync/vault/vault.ts';
import { docVersion } from '../app/doc-version.ts';
import { importPhotos } from '../app/import-photos.ts';
import type { TaggingService } from '../app/tagging-service.ts';
import { NoteEditor } from '../components/NoteEditor.tsx';
import { PhotoImport } from '../components/PhotoImport.tsx';
import { PhotoThumb } from '../components/PhotoThumb.tsx';

// Every file, images or not: one that is not a photo gets a note that says so.
const filesOf = (list: FileList | null | undefined): File[] => Array.from(list ?? []);

/**
 * One notebook: its notes, newest first, and the editor for the chosen one. Photos come
 * in by the picker, by dropping files on this pane, or by pasting.
 */
export function NotesPane(props: { notebook: OpenNotebook; blobs: BlobStore; tagging: TaggingService }) {
  const version = docVersion(props.notebook.doc);
  const doc = () => props.notebook.doc;
  const notes = createMemo(() =>
    (version(), readNotes(doc())).map((note) => ({
      ...note,
      photo: readNotePhoto(doc(), note.id),
      status: readTaggingStatus(doc(), note.id),
      labels: [...new Set(readLabels(doc(), note.id).map((l) => l.label))],
      ocr: readOcr(doc(), note.id).map((l) => l.text).join(' '),
    })),
  );
  const [selected, setSelected] = createSignal<string>();
  const [dragging, setDragging] = createSignal(false);
  const current = () => notes().find((note) => note.id === selected()) ?? notes()[0];

  const add = () => setSelected(createNote(doc(), { title: '' }));
  const importFiles = (files: File[]) => {
    if (files.length === 0) return;
    void importPhotos(props.notebook, files, props.blobs, props.tagging).then((ids) => ids[0] && setSelected(ids[0]));
  };

  // Photos whose tagging did not finish last time (tab closed) or came from an older pipeline.
  onMount(() => props.tagging.enqueue(props.notebook, notesToTag(doc(), props.tagging.pipelineVersion)));

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
        <p class="hint drop-hint">Drop or paste photos here.</p>
        <ul>
          <For each={notes()} fallback={<li class="empty">No notes yet. Write one, or import photos and they tag themselves.</li>}>
            {(note) => (
              <li data-note-title={note.title}>
                <button type="button" aria-current={current()?.id === note.id ? 'true' : undefined} onClick={() => setSelected(note.id)}>
                  <Show when={note.photo || note.status}>
                    <PhotoThumb blobs={props.blobs} notebookId={props.notebook.id} noteId={note.id} photo={note.photo} />
                  </Show>
                  <span class="note-text">
                    <strong>{note.title || 'Untitled'}</strong>
                    <Show when={note.status?.state === 'failed'}>
                      <span class="error-text">Could not import or tag</span>
                    </Show>
                    <Show when={note.status?.state === 'importing' || note.status?.state === 'queued'}>
                      <span class="snippet">Tagging…</span>
                    </Show>
                    <Show when={note.labels.length > 0}>
                      <span class="mini-chips">
                        <For each={note.labels.slice(0, 4)}>{(label) => <span class="mini-chip">{label}</span>}</For>
                      </span>
                    </Show>
                    <span class="snippet">{(note.body || note.ocr).slice(0, 80)}</span>
                  </span>
                </button>
              </li>
            )}
          </For>
        </ul>
      </section>
      {/* Keyed by id, not by the note view: a new view per keystroke would remount the editor. */}
      <Show when={current()?.id} keyed>
        {(id) => <NoteEditor notebook={props.notebook} noteId={id} blobs={props.blobs} />}
      </Show>
    </div>
  );
}
