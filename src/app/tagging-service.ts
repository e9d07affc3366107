import { createSignal, type Accessor } from 'solid-js';
import manifestJson from '../../models/manifest.json';
import { parseModelManifest } from '../../models/manifest.ts';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { photoBlobAd } from '../../sync/blob/photo-blob-ad.ts';
import { writeTagResults } from '../../sync/notebook/labels.ts';
import { photoKeyOf, readNotePhoto, setTaggingStatus } from '../../sync/notebook/photos.ts';
import { wipe } from '../../crypto/index.ts';
import type { OpenNotebook } from '../../sync/vault/vault.ts';
import { pipelineVersionFor } from '../../ml/pipeline/pipeline-version.ts';
import { createIndexingQueue, type QueueOutcome, type QueueProgress } from '../../ml/queue/indexing-queue.ts';
import { tagPhotoRunner } from '../../ml/queue/tag-photo-runner.ts';
import { MlError } from '../../ml/runtime/ml-error.ts';
import type { TagResult } from '../../ml/worker/ml-api.ts';
import { startMlWorker, type MlWorkerClient } from '../../ml/worker/ml-worker-client.ts';
import { messageFor } from './messages.ts';

export interface TagJob {
  readonly id: string;
  readonly notebook: OpenNotebook;
  readonly noteId: string;
}

export interface TaggingService {
  readonly progress: Accessor<QueueProgress>;
  /** True from pause() on, even while the photo in flight finishes. */
  readonly paused: Accessor<boolean>;
  /** The version tag() stamps today; notes with another version get re-tagged. */
  readonly pipelineVersion: string;
  enqueue(notebook: OpenNotebook, noteIds: readonly string[]): void;
  pause(): void;
  resume(): void;
  /** Drops what is queued and stops the worker (the vault is locking). */
  dispose(): void;
}

const TAG_OPTIONS = { ocr: true } as const;

/**
 * The one ML queue of the page: photos are tagged one at a time in the ML worker (started
 * on the first photo, so opening the app loads no model). Each photo is decrypted from the
 * blob store just before it is tagged, and its labels and text go only into the plain doc.
 */
export function createTaggingService(blobs: BlobStore, startWorker: () => MlWorkerClient = startMlWorker): TaggingService {
  let worker: MlWorkerClient | undefined;
  const ml = () => (worker ??= startWorker());
  const queued = new Set<string>();

  const loadBytes = async (job: TagJob): Promise<Uint8Array> => {
    const photo = readNotePhoto(job.notebook.doc, job.noteId);
    if (!photo) throw new MlError('E_IMAGE_CORRUPT', 'the note has no photo record');
    const ad = photoBlobAd(job.notebook.id, job.noteId, 'photo');
    const key = photoKeyOf(photo);
    if (!key) throw new MlError('E_IMAGE_CORRUPT', 'the photo key is damaged');
    const bytes = await blobs.readAll(photo.blobId, key, ad).finally(() => wipe(key)); // a decoded copy: zero it once read
    // Note: a synced note can arrive before its photo does. That is not this photo's
    // failure; E_CANCELLED leaves the note as it is, to be tagged once the blob is here.
    if (!bytes.ok && bytes.error.code === 'E_BLOB_MISSING') throw new MlError('E_CANCELLED', 'the photo is not on this device yet');
    if (!bytes.ok) throw new MlError('E_IMAGE_CORRUPT', `the stored photo cannot be read (${bytes.error.code})`);
    return bytes.value;
  };

  const onOutcome = (outcome: QueueOutcome<TagResult>, job: TagJob) => {
    const doc = job.notebook.doc;
    if (outcome.ok) {
      const { labels, text, pipelineVersion } = outcome.result;
      doc.transact(() => {
        writeTagResults(doc, job.noteId, {
          labels: labels.map((l) => ({ label: l.label, score: l.score, box: l.box, modelId: l.modelId, modelVersion: l.modelVersion })),
          ocr: text.map((line) => ({ text: line.text, confidence: line.confidence, box: line.box })),
          pipelineVersion,
        });
        setTaggingStatus(doc, job.noteId, { state: 'done' });
      });
    } else if (outcome.error.code !== 'E_CANCELLED') {
      setTaggingStatus(doc, job.noteId, { state: 'failed', code: outcome.error.code, message: messageFor(outcome.error.code, `This photo could not be tagged (${outcome.error.code}).`) });
    }
    void job.notebook.flush().catch(() => undefined);
  };

  const jobs = new Map<string, TagJob>();
  const runner = tagPhotoRunner<TagJob>({ tag: (bytes, options) => ml().tag(bytes, options) }, loadBytes, TAG_OPTIONS);
  const queue = createIndexingQueue<TagJob, TagResult>({
    id: (job) => job.id,
    run: runner,
    onOutcome: (outcome) => {
      const job = jobs.get(outcome.id);
      jobs.delete(outcome.id);
      queued.delete(outcome.id);
      if (job) onOutcome(outcome, job);
    },
  });
  const [progress, setProgress] = createSignal<QueueProgress>(queue.progress());
  queue.onProgress(setProgress);
  const [paused, setPaused] = createSignal(false);

  return {
    progress,
    paused,
    pipelineVersion: pipelineVersionFor(parseModelManifest(manifestJson), TAG_OPTIONS),
    enqueue(notebook, noteIds) {
      const fresh: TagJob[] = [];
      for (const noteId of noteIds) {
        const id = `${notebook.id}/${noteId}`;
        if (queued.has(id)) continue;
        queued.add(id);
        const job = { id, notebook, noteId };
        jobs.set(id, job);
        fresh.push(job);
      }
      if (fresh.length > 0) queue.enqueue(fresh);
    },
    pause: () => {
      setPaused(true);
      queue.pause();
    },
    resume: () => {
      setPaused(false);
      queue.resume();
    },
    dispose: () => {
      queue.cancel();
      jobs.clear();
      queued.clear();
      worker?.terminate();
      worker = undefined;
    },
  };
}
