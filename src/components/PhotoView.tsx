import { createSignal, For, Show } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import type { LabelRecord, OcrRecord } from '../../sync/notebook/labels.ts';
import type { PhotoRecord } from '../../sync/notebook/photos.ts';
import type { FaceBoxRecord } from '../../sync/notebook/faces.ts';
import { photoUrl } from '../app/photo-url.ts';

/** The labels and OCR lines a search hit matched (search's "why it matched", on the photo). */
export interface PhotoMatches {
  readonly labels: ReadonlySet<string>;
  readonly ocr: ReadonlySet<OcrRecord>;
  /** Face boxes a person's name matched (each drawn only then: who is where is the person's own). */
  readonly faces?: readonly FaceBoxRecord[];
}

/**
 * The decrypted photo with what the models found drawn over it: object boxes (labelled)
 * and text lines. The overlay is an SVG in the photo's own pixel space, so it scales with
 * the image at any width.
 */
export function PhotoView(props: {
  blobs: BlobStore;
  notebookId: string;
  noteId: string;
  photo: PhotoRecord;
  labels: readonly LabelRecord[];
  ocr: readonly OcrRecord[];
  /** What a search matched on this photo: those boxes and text lines are drawn marked. */
  matched?: PhotoMatches | undefined;
}) {
  const [showBoxes, setShowBoxes] = createSignal(true);
  const { url, error } = photoUrl(props.blobs, () => ({ notebookId: props.notebookId, noteId: props.noteId, photo: props.photo }), 'photo');
  const boxes = () => props.labels.filter((l) => l.source === 'model' && l.box[2] > l.box[0] && l.box[3] > l.box[1]);
  const fontSize = () => Math.max(12, Math.round(Math.max(props.photo.width, props.photo.height) / 24));

  return (
    <figure class="photo-view">
      <div class="photo-frame" style={{ 'aspect-ratio': `${props.photo.width} / ${props.photo.height}` }}>
        <Show when={url()} fallback={<p class={error() ? 'error' : 'hint'}>{error() ?? 'Decrypting photo…'}</p>}>
          {(src) => <img src={src()} alt={`Photo: ${props.labels.map((l) => l.label).join(', ') || 'not tagged yet'}`} />}
        </Show>
        <Show when={showBoxes() && url()}>
          <svg class="boxes" viewBox={`0 0 ${props.photo.width} ${props.photo.height}`} preserveAspectRatio="none" aria-hidden="true">
            <For each={props.ocr}>
              {(line) => <polygon class="ocr-box" classList={{ matched: props.matched?.ocr.has(line) ?? false }} points={line.box.map((p) => p.join(',')).join(' ')} />}
            </For>
            <For each={boxes()}>
              {(l) => (
                <g classList={{ matched: props.matched?.labels.has(l.label) ?? false }}>
                  <rect class="label-box" x={l.box[0]} y={l.box[1]} width={l.box[2] - l.box[0]} height={l.box[3] - l.box[1]} />
                  <text class="label-text" x={l.box[0] + 4} y={l.box[1] + fontSize() + 2} font-size={String(fontSize())}>
                    {`${l.label} ${Math.round(l.score * 100)}%`}
                  </text>
                </g>
              )}
            </For>
            <For each={props.matched?.faces ?? []}>
              {(f) => <rect class="face-box matched" x={f.box[0]} y={f.box[1]} width={f.box[2] - f.box[0]} height={f.box[3] - f.box[1]} />}
            </For>
          </svg>
        </Show>
      </div>
      <figcaption class="photo-caption">
        <label class="check">
          <input type="checkbox" checked={showBoxes()} onChange={(e) => setShowBoxes(e.currentTarget.checked)} />
          Show detection boxes
        </label>
        <span class="hint">
          {props.photo.width}×{props.photo.height}
        </span>
      </figcaption>
    </figure>
  );
}
