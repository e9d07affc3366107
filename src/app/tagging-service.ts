import { createSignal, type Accessor } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { photoBlobAd } from '../../sync/blob/photo-blob-ad.ts';
import { writeTaggedPhoto } from '../../sync/notebook/tagged-photo.ts';
import { writeFaceBoxes } from '../../sync/notebook/faces.ts';
import { blobSyncFor } from './blob-sync-registry.ts';
import { photoKeyOf, readNotePhoto, setTaggingStatus } from '../../sync/notebook/photos.ts';
import { wipe } from '../../crypto/index.ts';
import type { PhotoLocks } from '../../sync/tabs/photo-locks.ts';
import type { OpenNotebook } from '../../sync/vault/notebook-registry.ts';
import { withoutFaces } from '../../ml/pipeline/pipeline-version.ts';
import type { QueueOutcome, QueueProgress } from '../../ml/queue/indexing-queue.ts';
import { createTaggingQueue, type TaggingQueue, type TagJob as MlTagJob } from '../../ml/queue/tagging-queue.ts';
import { MlError } from '../../ml/runtime/ml-error.ts';
import type { FaceResult, TagResult } from '../../ml/worker/ml-api.ts';
import { startMlWorker, type MlWorkerClient } from '../../ml/worker/ml-worker-client.ts';
import { messageFor } from './messages.ts';
import { appSettings, classifierProblem, type AppSettings, type ClassifierProblem } from './settings-store.ts';

export type TagJob = MlTagJob<OpenNotebook>;

/** A note's faces as this device found them: boxes for the notebook, embeddings for this device only. */
export type FoundFaces = { readonly notebookId: string; readonly noteId: string; readonly faces: readonly FaceResult[] };

/** The ML queue (ml/queue/tagging-queue.ts) as the screens see it: progress and pause as signals. */
export interface TaggingService extends Omit<TaggingQueue<OpenNotebook>, 'progress' | 'onProgress'> {
  readonly progress: Accessor<QueueProgress>;
  /** True from pause() on, even while the photo in flight finishes. */
  readonly paused: Accessor<boolean>;
}

/** How long a face scan waits for a synced photo's bytes before it leaves the photo for the next pass. */
const FETCH_FOR_FACES_MS = 60_000;

/**
 * The page's tagging, as the screens see it: the ML queue of ml/queue/tagging-queue.ts (which
 * runs the workers and the imported classifiers) joined to the notebook, the only place that
 * sees both. Each photo is decrypted from the blob store just before it is tagged, and its
 * labels and text go only into the plain doc (sync/notebook/tagged-photo.ts).
 */
export function createTaggingService(
  blobs: BlobStore,
  startWorker: () => MlWorkerClient = startMlWorker,
  options: {
    readonly settings?: () => Pick<AppSettings, 'ocr' | 'scoreThreshold' | 'classifiers' | 'faces'>;
    /**
     * Faces found on a photo, when "Group faces" is on: the boxes are written into the
     * notebook here; the embeddings go to whoever keeps them sealed on this device (face-store.ts).
     */
    readonly onFaces?: (found: FoundFaces) => void;
    /** An imported classifier's model bytes (a sealed device record). */
    readonly loadClassifierModel?: (id: string) => Promise<Uint8Array | undefined>;
    /**
     * The profile's photo locks: a photo is queued here only if this tab holds its lock (or
     * gets it), so two tabs never tag one photo; the lock goes when its outcome is written.
     */
    readonly locks?: PhotoLocks;
    /**
     * An imported classifier failed (too slow, too costly, or its stored model is gone or
     * changed): it is off from now on in this service; save it as off with this message.
     */
    readonly onClassifierProblem?: (id: string, problem: ClassifierProblem) => Promise<void> | void;
    /** Photos tagged side by side (default 1): the size of the worker pool startWorker gives (ml/worker/ml-worker-pool.ts). */
    readonly photosAtOnce?: number;
  } = {},
): TaggingService {
  const settings = options.settings ?? appSettings;

  const loadBytes = async (job: TagJob): Promise<Uint8Array> => {
    const photo = readNotePhoto(job.notebook.doc, job.noteId);
    if (!photo) throw new MlError('E_IMAGE_CORRUPT', 'the note has no photo record');
    const ad = photoBlobAd(job.notebook.id, job.noteId, 'photo');
    const key = photoKeyOf(photo);
    if (!key) throw new MlError('E_IMAGE_CORRUPT', 'the photo key is damaged');
    const bytes = await blobs.readAll(photo.blobId, key, ad).finally(() => wipe(key)); // a decoded copy: zero it once read
    // Note: a synced note can arrive before its photo does. That is not this photo's
    // failure; E_CANCELLED leaves the note as it is, to be tagged once the blob is here.
    // A face scan of a synced photo asks the notebook's blob sync for it (a tag job's photo is here: it was imported here).
    if (!bytes.ok && bytes.error.code === 'E_BLOB_MISSING' && job.facesOnly && blobSyncFor(job.notebook.id)) {
      const fetched = await blobSyncFor(job.notebook.id)!.want(photo.blobId, 'photo', AbortSignal.timeout(FETCH_FOR_FACES_MS));
      if (fetched.ok) return loadBytes({ ...job, facesOnly: false });
    }
    if (!bytes.ok && bytes.error.code === 'E_BLOB_MISSING') throw new MlError('E_CANCELLED', 'the photo is not on this device yet');
    if (!bytes.ok) throw new MlError('E_IMAGE_CORRUPT', `the stored photo cannot be read (${bytes.error.code})`);
    return bytes.value;
  };

  const onOutcome = (outcome: QueueOutcome<TagResult>, job: TagJob) => {
    const doc = job.notebook.doc;
    if (outcome.ok && outcome.result.faces) {
      const faces = outcome.result.faces;
      writeFaceBoxes(doc, job.noteId, faces.map((f) => ({ box: f.box, score: f.score })));
      options.onFaces?.({ notebookId: job.notebook.id, noteId: job.noteId, faces });
    }
    if (outcome.ok && job.facesOnly) {
      void job.notebook.flush().catch(() => undefined);
      return;
    }
    if (outcome.ok) {
      const { labels, text } = outcome.result;
      const threshold = settings().scoreThreshold;
      writeTaggedPhoto(doc, job.noteId, { ...outcome.result, pipelineVersion: withoutFaces(outcome.result.pipelineVersion) }, threshold);
      // e2e build only (test-hooks.ts): counts results written per note, so a test sees a photo tagged twice.
      if (__OBSCURA_TEST_HOOKS__) {
        const write = { noteId: job.noteId, at: Date.now(), workerMs: outcome.result.ms, timings: outcome.result.timings, labels: labels.filter((l) => l.score >= threshold).map((l) => l.label), textLines: text.length };
        void import('./test-hooks.ts').then((hooks) => hooks.countTagWrite(write));
      }
    } else if (outcome.error.code !== 'E_CANCELLED') {
      setTaggingStatus(doc, job.noteId, { state: 'failed', code: outcome.error.code, message: messageFor(outcome.error.code, `This photo could not be tagged (${outcome.error.code}).`) });
    }
    void job.notebook.flush().catch(() => undefined);
  };

  const tagging = createTaggingQueue<OpenNotebook>({
    startWorker,
    settings,
    loadBytes,
    onOutcome,
    ...(options.loadClassifierModel ? { loadClassifierModel: options.loadClassifierModel } : {}),
    ...(options.locks ? { locks: options.locks } : {}),
    ...(options.photosAtOnce ? { photosAtOnce: options.photosAtOnce } : {}),
    onClassifierFault: (c, error) => options.onClassifierProblem?.(c.id, classifierProblem(c.spec.name, error.code)),
  });
  const [progress, setProgress] = createSignal<QueueProgress>(tagging.progress());
  tagging.onProgress(setProgress);
  const [paused, setPaused] = createSignal(false);

  return {
    progress,
    paused,
    get pipelineVersion() {
      return tagging.pipelineVersion;
    },
    debugInfo: () => tagging.debugInfo(),
    importClassifier: (bytes, spec, sha256) => tagging.importClassifier(bytes, spec, sha256),
    enqueue: (notebook, noteIds) => tagging.enqueue(notebook, noteIds),
    enqueueFaces: (notebook, noteIds) => tagging.enqueueFaces(notebook, noteIds),
    pause: () => {
      setPaused(true);
      tagging.pause();
    },
    resume: () => {
      setPaused(false);
      tagging.resume();
    },
    dispose: () => tagging.dispose(),
  };
}
