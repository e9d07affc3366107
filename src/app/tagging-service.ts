import { createSignal, type Accessor } from 'solid-js';
import manifestJson from '../../models/manifest.json';
import { parseModelManifest } from '../../ml/runtime/model-manifest.ts';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { photoBlobAd } from '../../sync/blob/photo-blob-ad.ts';
import { writeTaggedPhoto } from '../../sync/notebook/tagged-photo.ts';
import { writeFaceBoxes } from '../../sync/notebook/faces.ts';
import { blobSyncFor } from './blob-sync-registry.ts';
import { photoKeyOf, readNotePhoto, setTaggingStatus } from '../../sync/notebook/photos.ts';
import { wipe, type CodedError } from '../../crypto/index.ts';
import type { PhotoLocks } from '../../sync/tabs/photo-locks.ts';
import type { OpenNotebook } from '../../sync/vault/vault.ts';
import { pipelineVersionFor, withoutFaces } from '../../ml/pipeline/pipeline-version.ts';
import { createIndexingQueue, type QueueOutcome, type QueueProgress } from '../../ml/queue/indexing-queue.ts';
import { tagPhotoRunner } from '../../ml/queue/tag-photo-runner.ts';
import { MlError } from '../../ml/runtime/ml-error.ts';
import type { ClassifierSpec } from '../../ml/classify/classifier-spec.ts';
import type { DebugInfo, FaceResult, ImportedClassifier, TagOptions, TagResult } from '../../ml/worker/ml-api.ts';
import { startMlWorker, type MlWorkerClient } from '../../ml/worker/ml-worker-client.ts';
import type { ErrorCode } from './error-code.ts';
import { messageFor } from './messages.ts';
import { appSettings, classifierProblem, type AppSettings, type ClassifierProblem, type ClassifierSetting } from './settings-store.ts';

export interface TagJob {
  readonly id: string;
  readonly notebook: OpenNotebook;
  readonly noteId: string;
  /** A photo tagged already that this device has not scanned for faces: only the face step's results are written. */
  readonly facesOnly?: boolean;
}

/** A note's faces as this device found them: boxes for the notebook, embeddings for this device only. */
export type FoundFaces = { readonly notebookId: string; readonly noteId: string; readonly faces: readonly FaceResult[] };

export interface TaggingService {
  readonly progress: Accessor<QueueProgress>;
  /** True from pause() on, even while the photo in flight finishes. */
  readonly paused: Accessor<boolean>;
  /**
   * The version tag() stamps with today's settings; notes with another version get re-tagged
   * (so turning OCR on or off re-tags a notebook's photos when it is next opened).
   */
  readonly pipelineVersion: string;
  /** Backend and threads as the ML worker reports them (starts the worker). */
  debugInfo(): Promise<DebugInfo>;
  /** Checks a classifier in the worker (sha256, inputs, outputs) and keeps it loaded there. Moves `modelBytes`. */
  importClassifier(modelBytes: Uint8Array, spec: ClassifierSpec, sha256: string): Promise<ImportedClassifier>;
  enqueue(notebook: OpenNotebook, noteIds: readonly string[]): void;
  /** Scans tagged photos for faces only ("Group faces" turned on, or a notebook synced in). */
  enqueueFaces(notebook: OpenNotebook, noteIds: readonly string[]): void;
  pause(): void;
  resume(): void;
  /** Drops what is queued and stops the worker (the vault is locking). */
  dispose(): void;
}


/** Codes that mean the classifier itself is at fault when it is the one named (or, at load, the one loading). */
const CLASSIFIER_FAULTS = new Set(['E_MODEL_TIMEOUT', 'E_MODEL_COST']);
/** How long a face scan waits for a synced photo's bytes before it leaves the photo for the next pass. */
const FETCH_FOR_FACES_MS = 60_000;
const LOAD_FAULTS = new Set(['E_MODEL_FETCH', 'E_MODEL_HASH', 'E_MODEL_LOAD', 'E_MODEL_IO', 'E_SPEC_INVALID']);

function isClassifierFault(e: unknown, id: string, loading: boolean): boolean {
  if (!(e instanceof MlError)) return false;
  if (CLASSIFIER_FAULTS.has(e.code)) return e.modelId === id;
  return loading && LOAD_FAULTS.has(e.code);
}

/**
 * The one ML queue of the page: photos are tagged `photosAtOnce` at a time in the ML workers
 * (started on the first photo, so opening the app loads no model). Each photo is decrypted from the
 * blob store just before it is tagged, and its labels and text go only into the plain doc.
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
  // Turned off here until the settings say so too (the save is async, and may fail).
  const turnedOff = new Set<string>();
  const enabledClassifiers = () => settings().classifiers.filter((c) => c.enabled && !turnedOff.has(c.id));
  const tagOptions = (): TagOptions => ({ ocr: settings().ocr, classifierIds: enabledClassifiers().map((c) => c.id) });
  // Faces are this device's choice, not the notebook's: they stay out of the version stamped on
  // the note, or two devices set differently would re-tag each other's photos without end.
  const facesOn = () => settings().faces === true;
  const jobOptions = (job: TagJob): TagOptions => (job.facesOnly ? { ocr: false, classifierIds: [], faces: true } : { ...tagOptions(), faces: facesOn() });
  const manifest = parseModelManifest(manifestJson);
  let worker: MlWorkerClient | undefined;
  // Imported classifiers live in the worker's memory: loaded once per worker, from the sealed record.
  const loadedClassifiers = new Map<string, Promise<unknown>>();
  const ml = (): MlWorkerClient => {
    if (!worker) {
      worker = startWorker();
      // A worker stopped for running past a budget comes back empty.
      worker.onRestart(() => loadedClassifiers.clear());
    }
    return worker;
  };
  const turnOff = (c: ClassifierSetting, error: CodedError<ErrorCode>): void => {
    turnedOff.add(c.id);
    loadedClassifiers.delete(c.id);
    const problem = classifierProblem(c.spec.name, error.code);
    void Promise.resolve(options.onClassifierProblem?.(c.id, problem)).then(
      () => (settings().classifiers.some((s) => s.id === c.id && s.enabled) ? undefined : turnedOff.delete(c.id)),
      () => undefined,
    );
  };
  /** Loads each enabled classifier into the worker; one that cannot be loaded is turned off, not every photo failed. */
  const ensureClassifiers = async (): Promise<void> => {
    for (const c of enabledClassifiers()) {
      let loading = loadedClassifiers.get(c.id);
      if (!loading) {
        loading = (async () => {
          const bytes = await options.loadClassifierModel?.(c.id);
          if (!bytes) throw new MlError('E_MODEL_FETCH', `the model of ${c.spec.name} is not stored on this device`, c.id);
          return ml().importClassifier(bytes, c.spec, c.sha256);
        })();
        loadedClassifiers.set(c.id, loading);
        loading.catch(() => loadedClassifiers.delete(c.id));
      }
      try {
        await loading;
      } catch (e) {
        if (!isClassifierFault(e, c.id, true)) throw e;
        turnOff(c, e as MlError);
      }
    }
  };
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

  const jobs = new Map<string, TagJob>();
  /** Counts dispose() calls: a lock granted after one is let go at once. */
  let disposals = 0;
  // Options are read per photo, so a changed setting applies from the next photo on. A
  // classifier stopped on this photo is turned off and the photo tagged again without it.
  const runner = async (job: TagJob): Promise<TagResult> => {
    for (;;) {
      await ensureClassifiers();
      const running = enabledClassifiers();
      try {
        return await tagPhotoRunner<TagJob>({ tag: (bytes, tagOpts) => ml().tag(bytes, tagOpts) }, loadBytes, jobOptions(job))(job);
      } catch (e) {
        const culprit = running.find((c) => isClassifierFault(e, c.id, false));
        if (!culprit) throw e;
        turnOff(culprit, e as MlError);
      }
    }
  };
  const queue = createIndexingQueue<TagJob, TagResult>({
    id: (job) => job.id,
    run: runner,
    concurrency: options.photosAtOnce ?? 1,
    onOutcome: (outcome) => {
      const job = jobs.get(outcome.id);
      jobs.delete(outcome.id);
      queued.delete(outcome.id);
      if (job) {
        onOutcome(outcome, job);
        options.locks?.release(job.notebook.id, job.noteId);
      }
    },
  });
  const [progress, setProgress] = createSignal<QueueProgress>(queue.progress());
  queue.onProgress(setProgress);
  const [paused, setPaused] = createSignal(false);

  return {
    progress,
    paused,
    get pipelineVersion() {
      return pipelineVersionFor(manifest, tagOptions());
    },
    debugInfo: () => ml().debugInfo(),
    importClassifier: async (bytes, spec, sha256) => {
      const imported = await ml().importClassifier(bytes, spec, sha256);
      loadedClassifiers.set(imported.id, Promise.resolve(imported));
      return imported;
    },
    enqueue: (notebook, noteIds) => enqueue(notebook, noteIds, false),
    enqueueFaces: (notebook, noteIds) => enqueue(notebook, noteIds, true),
    pause: () => {
      setPaused(true);
      queue.pause();
    },
    resume: () => {
      setPaused(false);
      queue.resume();
    },
    dispose: () => {
      disposals++;
      queue.cancel();
      for (const job of jobs.values()) options.locks?.release(job.notebook.id, job.noteId);
      jobs.clear();
      queued.clear();
      worker?.terminate();
      worker = undefined;
      loadedClassifiers.clear();
    },
  };

  function enqueue(notebook: OpenNotebook, noteIds: readonly string[], facesOnly: boolean): void {
    // Disposed (the vault locked): an import finishing late must not start a worker for a locked vault.
    if (disposals > 0) return;
    const fresh: TagJob[] = [];
    for (const noteId of noteIds) {
      // A face scan is a job of its own: a photo being tagged holds its lock, so the scan waits for the next pass.
      const id = `${notebook.id}/${noteId}${facesOnly ? '#faces' : ''}`;
      if (queued.has(id)) continue;
      queued.add(id);
      fresh.push({ id, notebook, noteId, ...(facesOnly ? { facesOnly } : {}) });
    }
    if (fresh.length === 0) return;
    const start = (ready: readonly TagJob[]) => {
      for (const job of ready) jobs.set(job.id, job);
      if (ready.length > 0) queue.enqueue(ready);
    };
    const locks = options.locks;
    if (!locks) return start(fresh);
    // A photo another tab imports or tags is that tab's: skipped here (its next open queues it if that tab closed).
    const generation = disposals;
    void Promise.all(fresh.map((job) => locks.claim(notebook.id, job.noteId))).then((granted) => {
      if (generation !== disposals) {
        fresh.forEach((job, i) => granted[i] && locks.release(notebook.id, job.noteId));
        return;
      }
      fresh.forEach((job, i) => granted[i] || queued.delete(job.id));
      start(fresh.filter((_, i) => granted[i]));
    });
  }
}

