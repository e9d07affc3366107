import { createEffect, createMemo, createSignal, onCleanup } from 'solid-js';
import { readNote, setNoteText, type NoteTextField } from '../../sync/notebook/notes.ts';
import type { OpenNotebook } from '../../sync/vault/notebook-registry.ts';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { caretAfterRemoteChange } from '../../sync/notebook/caret-after-remote-change.ts';
import { docVersion } from '../app/doc-version.ts';
import type { TaggingService } from '../app/tagging-service.ts';
import { NotePhotoPanel } from './NotePhotoPanel.tsx';
import type { SearchMatch } from '../../ml/search/note-record.ts';

const SAVE_DELAY_MS = 300;

/**
 * Title and body bound to the note's Y.Text. Typing edits the plain doc at once; a short
 * pause later the change is sealed and stored, and only then does it say "Saved".
 */
export function NoteEditor(props: {
  notebook: OpenNotebook;
  noteId: string;
  blobs: BlobStore;
  tagging: TaggingService;
  /** Why the note matched the search shown, if it did: marked on its photo. */
  matches?: readonly SearchMatch[] | undefined;
}) {
  const version = docVersion(props.notebook.doc);
  const note = createMemo(() => (version(), readNote(props.notebook.doc, props.noteId)));
  const [status, setStatus] = createSignal<'saved' | 'saving' | 'failed'>('saved');
  let timer: ReturnType<typeof setTimeout> | undefined;

  const save = () => {
    timer = undefined;
    props.notebook.flush().then(
      () => timer === undefined && setStatus('saved'),
      () => setStatus('failed'),
    );
  };
  const edit = (field: NoteTextField, value: string) => {
    setNoteText(props.notebook.doc, props.noteId, field, value);
    setStatus('saving');
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  };
  onCleanup(() => {
    if (timer !== undefined) {
      clearTimeout(timer);
      void props.notebook.flush();
    }
  });

  // Remote edits update the fields; the caret and selection follow the text around them.
  const bind = (field: NoteTextField) => (el: HTMLInputElement | HTMLTextAreaElement) => {
    createEffect(() => {
      const value = note()?.[field] ?? '';
      const old = el.value;
      if (old === value) return;
      const focused = document.activeElement === el;
      const start = el.selectionStart ?? old.length;
      const end = el.selectionEnd ?? old.length;
      el.value = value;
      if (focused) el.setSelectionRange(caretAfterRemoteChange(old, value, start), caretAfterRemoteChange(old, value, end));
    });
  };

  return (
    <article class="editor" aria-label="Note editor">
      <NotePhotoPanel notebook={props.notebook} noteId={props.noteId} blobs={props.blobs} tagging={props.tagging} matches={props.matches} />
      <label for="note-title" class="visually-hidden">
        Title
      </label>
      <input id="note-title" class="title" autocomplete="off" placeholder="Title" ref={bind('title')} onInput={(e) => edit('title', e.currentTarget.value)} />
      <label for="note-body" class="visually-hidden">
        Note
      </label>
      <textarea id="note-body" autocomplete="off" placeholder="Write a note…" ref={bind('body')} onInput={(e) => edit('body', e.currentTarget.value)} />
      <p class="save-status" data-status={status()} aria-live="polite">
        {status() === 'saved' ? 'Saved' : status() === 'saving' ? 'Saving…' : 'Could not save. Is the device out of space?'}
      </p>
    </article>
  );
}
