import { Show } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import type { PhotoRecord } from '../../sync/notebook/photos.ts';
import { photoUrl } from '../app/photo-url.ts';

/** A note's thumbnail in the list, decrypted on demand; a grey tile until (or unless) it can be shown. */
export function PhotoThumb(props: { blobs: BlobStore; notebookId: string; noteId: string; photo: PhotoRecord | undefined; failed?: boolean }) {
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
