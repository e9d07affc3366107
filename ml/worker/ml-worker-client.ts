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

/** Transferable unless it lives in shared memory (which cannot be moved). */
function transferOf(bytes: Uint8Array): Transferable[] {
  return bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
}

/**
 * Start the ML worker (main thread). The worker chunk, onnxruntime-web and the
 * models load only now, never with the initial app bundle.
 */
export function startMlWorker(): MlWorkerClient {
  const worker = new Worker(new URL('./ml.worker.ts', import.meta.url), { type: 'module', name: 'obscura-ml' });
  const remote = wrap<MlApi>(ML_API_SCHEMA, worker);
  // A worker that fails to start or crashes answers nothing: fail every call.
  worker.addEventListener('error', (e) => remote.failAll(new MlError('E_INFERENCE', `ML worker failed: ${e.message}`)));
  return {
    tag: (bytes, options = {}) => remote.call('tag', [bytes, options], transferOf(bytes)),
    debugInfo: () => remote.call('debugInfo', []),
    preload: (options = {}) => remote.call('preload', [options]),
    importClassifier: (bytes, spec, sha256) => remote.call('importClassifier', [bytes, spec, sha256], transferOf(bytes)),
    terminate: () => {
      worker.terminate();
      remote.failAll(new MlError('E_CANCELLED', 'ML worker terminated'));
    },
  };
}
