import type { Float32TensorCtor, OrtSession } from '../ocr/ocr-runtime.ts';

export type { Float32TensorCtor, OrtSession };

/**
 * The two things the pipelines need from an onnxruntime build. The worker
 * passes onnxruntime-web's, Node tests pass onnxruntime-node's, so every
 * module under ml/ runs unchanged on both.
 */
export type OrtLike = {
  readonly createSession: (bytes: Uint8Array) => Promise<OrtSession>;
  readonly Tensor: Float32TensorCtor;
  /**
   * Threads the runtime really uses once initialised. onnxruntime-web drops
   * to 1 without SharedArrayBuffer and only says so in a console warning.
   */
  readonly effectiveThreads?: () => number;
};
