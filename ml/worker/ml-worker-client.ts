import { MlError } from '../runtime/ml-error.ts';
import type { DebugInfo, ImportedClassifier, MlApi, TagOptions, TagResult } from './ml-api.ts';
import { ML_API_SCHEMA } from './ml-api-schema.ts';
import { DEFAULT_ML_BUDGETS, type MlBudgets, type MlStage } from './ml-budgets.ts';
import { mlWorkerName } from './ml-worker-name.ts';
import { wrap, type Remote } from './rpc.ts';

export type MlWorkerClient = {
  /** Note: moves `imageBytes` into the worker (no copy); the caller's array is empty afterwards. */
  tag(imageBytes: Uint8Array, options?: TagOptions): Promise<TagResult>;
  debugInfo(): Promise<DebugInfo>;
  /** Load and warm up the models tag() needs with these options (first photo then costs no model loading). */
  preload(options?: TagOptions): Promise<DebugInfo>;
  /** Moves `modelBytes` too; keep your own copy if you store the model. */
  importClassifier(modelBytes: Uint8Array, spec: unknown, sha256: string): Promise<ImportedClassifier>;
  /**
   * Called when the worker was stopped (a budget ran out, or terminate()): what it held,
   * imported classifiers included, is gone; the next call starts a fresh worker.
   */
  onRestart(listener: () => void): () => void;
  terminate(): void;
};

/**
 * What the client needs of a dedicated worker. The browser passes a Web Worker; Node tests
 * pass a worker thread behind this shape (tests/helpers/node-ml-worker.ts), so the same
 * client code runs the same tagger in both.
 */
export type WorkerLike = {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (event: { readonly message: string }) => void): void;
  terminate(): void;
};

export type MlWorkerOptions = {
  /** Starts the worker; default the app's own worker chunk. */
  readonly spawn?: () => WorkerLike;
  /** Default DEFAULT_ML_BUDGETS; tests pass small ones. */
  readonly budgets?: Partial<MlBudgets>;
  /** The default worker's wasm threads at most (default: one per core); a pool's workers share the cores. */
  readonly threads?: number;
};

/** Transferable unless it lives in shared memory (which cannot be moved). */
function transferOf(bytes: Uint8Array): Transferable[] {
  return bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
}

const browserWorker = (threads: number | undefined): WorkerLike =>
  new Worker(new URL('./ml.worker.ts', import.meta.url), { type: 'module', name: mlWorkerName(threads) });

type Running = { readonly worker: WorkerLike; readonly remote: Remote<MlApi>; stageTimer?: ReturnType<typeof setTimeout> };

/**
 * Start the ML worker (main thread). The worker chunk, onnxruntime-web and the
 * models load only now, never with the initial app bundle.
 *
 * Every call has a deadline, and so has each imported classifier while the worker says it
 * runs one (ml-budgets.ts). A deadline that passes terminates the worker, which is the only
 * way to end a wasm run, and fails every call in flight with E_MODEL_TIMEOUT; the next call
 * starts a new worker.
 */
export function startMlWorker(options: MlWorkerOptions = {}): MlWorkerClient {
  const budgets: MlBudgets = { ...DEFAULT_ML_BUDGETS, ...options.budgets };
  const spawn = options.spawn ?? (() => browserWorker(options.threads));
  const restartListeners = new Set<() => void>();
  let current: Running | undefined;

  function start(): Running {
    const worker = spawn();
    const running: Running = { worker, remote: wrap<MlApi>(ML_API_SCHEMA, worker, (stage) => onStage(running, stage)) };
    // A worker that fails to start or crashes answers nothing: fail every call.
    worker.addEventListener('error', (e) => running.remote.failAll(new MlError('E_INFERENCE', `ML worker failed: ${e.message}`)));
    return running;
  }

  function onStage(running: Running, s: MlStage): void {
    clearTimeout(running.stageTimer);
    running.stageTimer = undefined;
    if (s.stage === 'other') return;
    const ms = s.stage === 'import' ? budgets.importMs : budgets.classifyMs;
    const what = s.stage === 'import' ? 'to load and run once' : 'on this photo';
    running.stageTimer = setTimeout(() => stop(running, new MlError('E_MODEL_TIMEOUT', `imported classifier ${s.modelId} took more than ${ms / 1000} s ${what}; it was stopped`, s.modelId)), ms);
  }

  function stop(running: Running, error: MlError): void {
    if (current !== running) return;
    current = undefined;
    clearTimeout(running.stageTimer);
    running.worker.terminate();
    running.remote.failAll(error);
    restartListeners.forEach((l) => l());
  }

  function call<K extends keyof MlApi & string>(method: K, args: Parameters<MlApi[K]>, transfer: Transferable[] = []): ReturnType<MlApi[K]> {
    const running = (current ??= start());
    const timer = setTimeout(() => stop(running, new MlError('E_MODEL_TIMEOUT', `the ML worker took more than ${budgets.callMs / 1000} s for ${method}; it was stopped`)), budgets.callMs);
    const answer = running.remote.call(method, args, transfer);
    void answer.then(() => clearTimeout(timer), () => clearTimeout(timer));
    return answer;
  }

  current = start();
  return {
    tag: (bytes, tagOptions = {}) => call('tag', [bytes, tagOptions], transferOf(bytes)),
    debugInfo: () => call('debugInfo', []),
    preload: (tagOptions = {}) => call('preload', [tagOptions]),
    importClassifier: (bytes, spec, sha256) => call('importClassifier', [bytes, spec, sha256], transferOf(bytes)),
    onRestart(listener) {
      restartListeners.add(listener);
      return () => restartListeners.delete(listener);
    },
    terminate: () => {
      if (current) stop(current, new MlError('E_CANCELLED', 'ML worker terminated'));
    },
  };
}
