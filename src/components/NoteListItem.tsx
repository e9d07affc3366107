import { For, Show, type JSX } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import type { NoteView } from '../../sync/notebook/notes.ts';
import type { PhotoRecord, TaggingStatus } from '../../sync/notebook/photos.ts';
import { photoUrl } from '../app/photo-url.ts';

export interface NoteRow extends NoteView {
  readonly photo: PhotoRecord | undefined;
  readonly status: TaggingStatus | undefined;
  /** Distinct label names, best first. */
  readonly labels: readonly string[];
  /** Of those, the ones the person added or confirmed. */
  readonly mine: readonly string[];
  /** OCR text worth showing as a snippet. */
  readonly ocr: string;
}

const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** One card of the notes grid: thumbnail, title, state, label chips, a snippet and the date. */
/** `children` go below the card's button (a button may hold only phrasing content): search shows why it matched there. */
export function NoteListItem(props: { note: NoteRow; current: boolean; onSelect: () => void; blobs: BlobStore; notebookId: string; children?: JSX.Element }) {
  const state = () => props.note.status?.state;
  return (
    <li data-note-title={props.note.title} data-note-id={props.note.id} classList={{ 'text-note': !props.note.photo && !props.note.status }}>
      <button type="button" aria-current={props.current ? 'true' : undefined} onClick={() => props.onSelect()}>
        <Show when={props.note.photo || props.note.status}>
          <PhotoThumb blobs={props.blobs} notebookId={props.notebookId} noteId={props.note.id} photo={props.note.photo} failed={state() === 'failed'} />
        </Show>
        <span class="note-text">
          <strong>{props.note.title || 'Untitled'}</strong>
          <Show when={state() === 'failed'}>
            <span class="error-text">Could not import or tag</span>
          </Show>
          <Show when={state() === 'importing' || state() === 'queued'}>
            <span class="snippet">Tagging…</span>
          </Show>
          <Show when={props.note.labels.length > 0}>
            <span class="mini-chips">
              <For each={props.note.labels.slice(0, 4)}>{(label) => <span class="mini-chip" data-source={props.note.mine.includes(label) ? 'user' : 'model'}>{label}</span>}</For>
            </span>
          </Show>
          <span class="snippet">{(props.note.body || props.note.ocr).slice(0, 200)}</span>
          <time class="note-date" datetime={new Date(props.note.createdAt).toISOString()}>
            {DATE.format(props.note.createdAt)}
          </time>
        </span>
      </button>
      {props.children}
    </li>
  );
}

/** A note's thumbnail, decrypted on demand; a grey tile until (or unless) it can be shown. */
function PhotoThumb(props: { blobs: BlobStore; notebookId: string; noteId: string; photo: PhotoRecord | undefined; failed: boolean }) {
  const { url } = photoUrl(
    props.blobs,
    () => (props.photo ? { notebookId: props.notebookId, noteId: props.noteId, photo: props.photo } : undefined),
    'thumb',
  );
  return (
    <span class="thumb" aria-hidden="true" data-failed={props.failed && !url() ? '' : undefined}>
      <Show when={url()}>{(src) => <img src={src()} alt="" loading="lazy" />}</Show>
    </span>
  );
}
