import { MlError } from '../runtime/ml-error.ts';
import type { DebugInfo, ImportedClassifier, MlApi, TagOptions, TagResult } from './ml-api.ts';
import { ML_API_SCHEMA } from './ml-api-schema.ts';
import { wrap } from './rpc.ts';

export type MlWorkerClient = {
  /** Note: moves `imageBytes` into the worker (no copy); the caller's array is empty afterwards. */
  tag(imageBytes: Uint8Array, options?: TagOptions): Promise<TagResult>;
  debugInfo(): Promise<DebugInfo>;
  /** Load and warm up the models tag() needs with these options (first photo then costs no model loading). */
  preload(options?: TagOptions): Promise<DebugInfo>;
  /** Moves `modelBytes` too; keep your own copy if you store the model. */
  importClassifier(modelBytes: Uint8Array, spec: unknown, sha256: string): Promise<ImportedClassifier>;
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
};

/** Transferable unless it lives in shared memory (which cannot be moved). */
function transferOf(bytes: Uint8Array): Transferable[] {
  return bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
}

const browserWorker = (): WorkerLike => new Worker(new URL('./ml.worker.ts', import.meta.url), { type: 'module', name: 'obscura-ml' });

/**
 * Start the ML worker (main thread). The worker chunk, onnxruntime-web and the
 * models load only now, never with the initial app bundle.
 */
export function startMlWorker(options: MlWorkerOptions = {}): MlWorkerClient {
  const worker = (options.spawn ?? browserWorker)();
  const remote = wrap<MlApi>(ML_API_SCHEMA, worker);
  // A worker that fails to start or crashes answers nothing: fail every call.
  worker.addEventListener('error', (e) => remote.failAll(new MlError('E_INFERENCE', `ML worker failed: ${e.message}`)));
  return {
    tag: (bytes, tagOptions = {}) => remote.call('tag', [bytes, tagOptions], transferOf(bytes)),
    debugInfo: () => remote.call('debugInfo', []),
    preload: (tagOptions = {}) => remote.call('preload', [tagOptions]),
    importClassifier: (bytes, spec, sha256) => remote.call('importClassifier', [bytes, spec, sha256], transferOf(bytes)),
    terminate: () => {
      worker.terminate();
      remote.failAll(new MlError('E_CANCELLED', 'ML worker terminated'));
    },
  };
}
