import { Show } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { readNotePhoto } from '../../sync/notebook/photos.ts';
import { noteOfFace } from '../../sync/vault/people.ts';
import { photoUrl } from '../app/photo-url.ts';
import type { PeopleService } from '../app/people-service.ts';

const SIZE = 72;

/**
 * A face cut from its photo's thumbnail: the thumbnail as a background, scaled so the face
 * box fills the square. The box is in the photo's pixels, the thumbnail keeps its aspect.
 */
export function FaceThumb(props: { faceId: string; people: PeopleService; blobs: BlobStore; label: string }) {
  const face = () => props.people.faceOf(props.faceId);
  const source = () => {
    const f = face();
    const { noteId } = noteOfFace(props.faceId);
    const photo = f && readNotePhoto(f.notebook.doc, noteId);
    return f && photo ? { notebookId: f.notebook.id, noteId, photo } : undefined;
  };
  const { url } = photoUrl(props.blobs, source, 'thumb');
  const style = () => {
    const s = source();
    const f = face();
    if (!s || !f) return {};
    const [x1, y1, x2, y2] = f.box.box;
    const side = Math.max(x2 - x1, y2 - y1, 1);
    const scale = SIZE / side;
    return {
      'background-image': `url(${url()})`,
      'background-size': `${s.photo.width * scale}px ${s.photo.height * scale}px`,
      'background-position': `${-x1 * scale}px ${-y1 * scale}px`,
    };
  };
  return (
    <Show when={url()} fallback={<span class="face-thumb" role="img" aria-label={props.label} />}>
      <span class="face-thumb" role="img" aria-label={props.label} data-face-id={props.faceId} style={style()} />
    </Show>
  );
}
