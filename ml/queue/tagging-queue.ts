import manifestJson from '../../models/manifest.json';
import type { ClassifierSpec } from '../classify/classifier-spec.ts';
import { pipelineVersionFor } from '../pipeline/pipeline-version.ts';
import { parseModelManifest } from '../runtime/model-manifest.ts';
import { MlError } from '../runtime/ml-error.ts';
import type { DebugInfo, ImportedClassifier, TagOptions, TagResult } from '../worker/ml-api.ts';
import type { MlWorkerClient } from '../worker/ml-worker-client.ts';
import { createIndexingQueue, type QueueOutcome, type QueueProgress } from './indexing-queue.ts';
import { tagPhotoRunner } from './tag-photo-runner.ts';

/** A photo to tag: `notebook` is whatever the caller opens photos with (ml/ never reads it). */
export interface TagJob<N extends { readonly id: string }> {
  readonly id: string;
  readonly notebook: N;
  readonly noteId: string;
  /** A photo tagged already that this device has not scanned for faces: only the face step runs. */
  readonly facesOnly?: boolean;
}

/** An imported classifier as the person's settings keep it. */
export interface ClassifierChoice {
  /** `clf-` + the first 16 hex of sha256, as the ML worker names it. */
  readonly id: string;
  readonly sha256: string;
  readonly spec: ClassifierSpec;
  readonly enabled: boolean;
}

/** What the tagging reads of the settings, per photo: a changed setting applies from the next photo on. */
export interface TaggingChoices {
  readonly ocr: boolean;
  readonly faces?: boolean;
  readonly classifiers: readonly ClassifierChoice[];
}

/** Which tab tags a photo (sync/tabs/photo-locks.ts): a photo is queued only while this tab holds it. */
export interface PhotoClaims {
  claim(notebookId: string, noteId: string): Promise<boolean>;
  release(notebookId: string, noteId: string): void;
}

export interface TaggingQueueOptions<N extends { readonly id: string }> {
  readonly startWorker: () => MlWorkerClient;
  readonly settings: () => TaggingChoices;
  /** The photo's bytes, decrypted just before it is tagged; an MlError says why not. */
  readonly loadBytes: (job: TagJob<N>) => Promise<Uint8Array>;
  /** Where the answer goes (the plain notebook doc); called once per job, the photo's claim let go after it. */
  readonly onOutcome: (outcome: QueueOutcome<TagResult>, job: TagJob<N>) => void;
  /** An imported classifier's model bytes (a sealed device record). */
  readonly loadClassifierModel?: (id: string) => Promise<Uint8Array | undefined>;
  /**
   * An imported classifier failed (too slow, too costly, or its stored model is gone or
   * changed): it is off from now on in this queue; save it as off.
   */
  readonly onClassifierFault?: (classifier: ClassifierChoice, error: MlError) => Promise<void> | void;
  readonly locks?: PhotoClaims;
  /** Photos tagged side by side (default 1): the size of the worker pool startWorker gives (ml/worker/ml-worker-pool.ts). */
  readonly photosAtOnce?: number;
}

export interface TaggingQueue<N extends { readonly id: string }> {
  progress(): QueueProgress;
  onProgress(listener: (progress: QueueProgress) => void): void;
  /**
   * The version tag() stamps with today's settings; notes with another version get re-tagged
   * (so turning OCR on or off re-tags a notebook's photos when it is next opened).
   */
  readonly pipelineVersion: string;
  /** Backend and threads as the ML worker reports them (starts the worker). */
  debugInfo(): Promise<DebugInfo>;
  /** Checks a classifier in the worker (sha256, inputs, outputs) and keeps it loaded there. Moves `modelBytes`. */
  importClassifier(modelBytes: Uint8Array, spec: ClassifierSpec, sha256: string): Promise<ImportedClassifier>;
  enqueue(notebook: N, noteIds: readonly string[]): void;
  /** Scans tagged photos for faces only ("Group faces" turned on, or a notebook synced in). */
  enqueueFaces(notebook: N, noteIds: readonly string[]): void;
  pause(): void;
  resume(): void;
  /** Drops what is queued and stops the worker (the vault is locking). */
  dispose(): void;
}

/** Codes that mean the classifier itself is at fault when it is the one named (or, at load, the one loading). */
const CLASSIFIER_FAULTS = new Set(['E_MODEL_TIMEOUT', 'E_MODEL_COST']);
const LOAD_FAULTS = new Set(['E_MODEL_FETCH', 'E_MODEL_HASH', 'E_MODEL_LOAD', 'E_MODEL_IO', 'E_SPEC_INVALID']);

function isClassifierFault(e: unknown, id: string, loading: boolean): e is MlError {
  if (!(e instanceof MlError)) return false;
  if (CLASSIFIER_FAULTS.has(e.code)) return e.modelId === id;
  return loading && LOAD_FAULTS.has(e.code);
}

/**
 * The one ML queue of a page: photos are tagged `photosAtOnce` at a time in the ML workers
 * (started on the first photo, so opening the app loads no model), each with the imported
 * classifiers the settings turn on, loaded once per worker. A classifier that fails is turned
 * off and the photo tagged again without it, so one bad model never fails every photo.
 */
export function createTaggingQueue<N extends { readonly id: string }>(options: TaggingQueueOptions<N>): TaggingQueue<N> {
  const { settings } = options;
  // Turned off here until the settings say so too (the save is async, and may fail).
  const turnedOff = new Set<string>();
  const enabledClassifiers = () => settings().classifiers.filter((c) => c.enabled && !turnedOff.has(c.id));
  const tagOptions = (): TagOptions => ({ ocr: settings().ocr, classifierIds: enabledClassifiers().map((c) => c.id) });
  // Faces are this device's choice, not the notebook's: they stay out of the version stamped on
  // the note, or two devices set differently would re-tag each other's photos without end.
  const facesOn = () => settings().faces === true;
  const jobOptions = (job: TagJob<N>): TagOptions => (job.facesOnly ? { ocr: false, classifierIds: [], faces: true } : { ...tagOptions(), faces: facesOn() });
  const manifest = parseModelManifest(manifestJson);
  let worker: MlWorkerClient | undefined;
  // Imported classifiers live in the worker's memory: loaded once per worker, from the sealed record.
  const loadedClassifiers = new Map<string, Promise<unknown>>();
  const ml = (): MlWorkerClient => {
    if (!worker) {
      worker = options.startWorker();
      // A worker stopped for running past a budget comes back empty.
      worker.onRestart(() => loadedClassifiers.clear());
    }
    return worker;
  };
  const turnOff = (c: ClassifierChoice, error: MlError): void => {
    turnedOff.add(c.id);
    loadedClassifiers.delete(c.id);
    void Promise.resolve(options.onClassifierFault?.(c, error)).then(
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
        turnOff(c, e);
      }
    }
  };
  const queued = new Set<string>();
  const jobs = new Map<string, TagJob<N>>();
  /** Counts dispose() calls: a lock granted after one is let go at once. */
  let disposals = 0;
  // Options are read per photo, so a changed setting applies from the next photo on. A
  // classifier stopped on this photo is turned off and the photo tagged again without it.
  const runner = async (job: TagJob<N>): Promise<TagResult> => {
    for (;;) {
      await ensureClassifiers();
      const running = enabledClassifiers();
      try {
        return await tagPhotoRunner<TagJob<N>>({ tag: (bytes, tagOpts) => ml().tag(bytes, tagOpts) }, options.loadBytes, jobOptions(job))(job);
      } catch (e) {
        const culprit = running.find((c) => isClassifierFault(e, c.id, false));
        if (!culprit) throw e;
        turnOff(culprit, e as MlError);
      }
    }
  };
  const queue = createIndexingQueue<TagJob<N>, TagResult>({
    id: (job) => job.id,
    run: runner,
    concurrency: options.photosAtOnce ?? 1,
    onOutcome: (outcome) => {
      const job = jobs.get(outcome.id);
      jobs.delete(outcome.id);
      queued.delete(outcome.id);
      if (job) {
        options.onOutcome(outcome, job);
        options.locks?.release(job.notebook.id, job.noteId);
      }
    },
  });

  function enqueue(notebook: N, noteIds: readonly string[], facesOnly: boolean): void {
    // Disposed (the vault locked): an import finishing late must not start a worker for a locked vault.
    if (disposals > 0) return;
    const fresh: TagJob<N>[] = [];
    for (const noteId of noteIds) {
      // A face scan is a job of its own: a photo being tagged holds its lock, so the scan waits for the next pass.
      const id = `${notebook.id}/${noteId}${facesOnly ? '#faces' : ''}`;
      if (queued.has(id)) continue;
      queued.add(id);
      fresh.push({ id, notebook, noteId, ...(facesOnly ? { facesOnly } : {}) });
    }
    if (fresh.length === 0) return;
    const start = (ready: readonly TagJob<N>[]) => {
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

  return {
    progress: () => queue.progress(),
    onProgress: (listener) => queue.onProgress(listener),
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
    pause: () => queue.pause(),
    resume: () => queue.resume(),
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
}
