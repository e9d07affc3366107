import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { defaultTaxonomy } from '../../ml/search/taxonomy.ts';
import { addUserLabel, confirmLabel, readLabels, readOcr, removeLabel } from '../../sync/notebook/labels.ts';
import { readNotePhoto, readTaggingStatus, setTaggingStatus } from '../../sync/notebook/photos.ts';
import { readFaceBoxes } from '../../sync/notebook/faces.ts';
import type { OpenNotebook } from '../../sync/vault/notebook-registry.ts';
import { docVersion } from '../app/doc-version.ts';
import type { TaggingService } from '../app/tagging-service.ts';
import { LabelChips } from './LabelChips.tsx';
import { type PhotoMatches, PhotoView } from './PhotoView.tsx';
import type { SearchMatch } from '../../ml/search/note-record.ts';

/** Label names offered while adding one by hand: what the detector and the search know. */
const VOCABULARY = defaultTaxonomy.terms();

/** A photo note's photo, labels (editable) and the text read from it. */
export function NotePhotoPanel(props: { notebook: OpenNotebook; noteId: string; blobs: BlobStore; tagging: TaggingService; matches?: readonly SearchMatch[] | undefined }) {
  const version = docVersion(props.notebook.doc);
  const doc = () => props.notebook.doc;
  const photo = createMemo(() => (version(), readNotePhoto(doc(), props.noteId)));
  const status = createMemo(() => (version(), readTaggingStatus(doc(), props.noteId)));
  const labels = createMemo(() => (version(), readLabels(doc(), props.noteId)));
  // Stray one- and two-character reads (a rim, a texture) are noise here as on the cards.
  const allOcr = createMemo(() => (version(), readOcr(doc(), props.noteId)));
  const ocr = createMemo(() => allOcr().filter((l) => l.text.trim().length >= 3));
  // A search's reasons name labels and OCR line numbers (of all lines, as the index joined them).
  const matched = createMemo((): PhotoMatches | undefined => {
    const found = props.matches;
    if (!found || found.length === 0) return undefined;
    const lines = allOcr();
    return {
      labels: new Set(found.flatMap((m) => (m.label !== undefined ? [m.label] : []))),
      ocr: new Set(found.flatMap((m) => (m.line !== undefined && lines[m.line] ? [lines[m.line] as (typeof lines)[number]] : []))),
      faces: found.flatMap((m) => {
        const box = m.field === 'person' && m.face !== undefined ? readFaceBoxes(doc(), props.noteId)[m.face] : undefined;
        return box ? [box] : [];
      }),
    };
  });
  const save = () => void props.notebook.flush().catch(() => undefined);
  const [copied, setCopied] = createSignal<'copied' | 'failed' | undefined>();
  const copyOcr = () =>
    navigator.clipboard.writeText(ocr().map((l) => l.text).join('\n')).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
  const retry = () => {
    setTaggingStatus(doc(), props.noteId, { state: 'queued' });
    props.tagging.enqueue(props.notebook, [props.noteId]);
  };

  return (
    <Show when={photo() || status()}>
      <section class="photo-panel" aria-label="Photo">
        <Show when={photo()}>
          {(p) => <PhotoView blobs={props.blobs} notebookId={props.notebook.id} noteId={props.noteId} photo={p()} labels={labels()} ocr={ocr()} matched={matched()} />}
        </Show>
        <Switch>
          <Match when={status()?.state === 'importing'}>
            <p class="hint" role="status">Encrypting and saving the photo…</p>
          </Match>
          <Match when={status()?.state === 'queued'}>
            <p class="hint" role="status">Waiting to be tagged on this device…</p>
          </Match>
          <Match when={(() => { const s = status(); return s?.state === 'failed' ? s : undefined; })()}>
            {(failed) => (
              <div class="failed">
                <p class="error" role="alert">{failed().message}</p>
                {/* A photo that is stored can be tagged again (e.g. the models failed to load). */}
                <Show when={photo()}>
                  <button type="button" onClick={retry}>Tag again</button>
                </Show>
              </div>
            )}
          </Match>
        </Switch>
        <Show when={photo()}>
          <LabelChips
            labels={labels()}
            onRemove={(label) => (removeLabel(doc(), props.noteId, label), save())}
            // Typing a label the model already found confirms it.
            onAdd={(label) => (addUserLabel(doc(), props.noteId, label) || confirmLabel(doc(), props.noteId, label.trim().toLowerCase()), save())}
            onConfirm={(label) => (confirmLabel(doc(), props.noteId, label), save())}
            vocabulary={VOCABULARY}
          />
        </Show>
        <Show when={status()?.state === 'done'}>
          <div class="ocr">
            <h3>Text in the photo</h3>
            <Show when={ocr().length > 0} fallback={<p class="hint">No text found.</p>}>
              <div class="ocr-text" data-testid="ocr-text" tabIndex={0}>
                <For each={ocr()}>{(line) => <p classList={{ matched: matched()?.ocr.has(line) ?? false }}>{line.text}</p>}</For>
              </div>
              <p class="ocr-actions">
                <button type="button" onClick={() => void copyOcr()}>Copy text</button>
                <span role="status" class={copied() === 'failed' ? 'error-text' : 'hint'}>
                  {copied() === 'copied' ? 'Copied' : copied() === 'failed' ? 'Could not copy: select the text and copy it' : ''}
                </span>
              </p>
            </Show>
          </div>
        </Show>
      </section>
    </Show>
  );
}
