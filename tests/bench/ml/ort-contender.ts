import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { BenchCase } from './bench-inputs.ts';
import type { Contender } from './contender.ts';

/**
 * The part of an onnxruntime module this bench needs; onnxruntime-node and
 * onnxruntime-web both satisfy it, so one contender type measures both.
 */
export interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
}

export interface OrtContenderSpec {
  readonly runtime: string;
  readonly threads: number;
  readonly model: Uint8Array;
  readonly options: InferenceSession.SessionOptions;
}

/**
 * Opens one session and returns a contender that runs it on the case's fixed
 * input. Each run makes a fresh input tensor over a copy of the data, as the
 * app must in proxy mode (onnxruntime-web detaches transferred inputs).
 */
export async function ortContender(ort: OrtModule, bench: BenchCase, spec: OrtContenderSpec): Promise<Contender & { release(): Promise<void> }> {
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(spec.model, spec.options);
  const createMs = performance.now() - t0;
  return {
    runtime: spec.runtime,
    model: bench.name,
    threads: spec.threads,
    createMs,
    runOnce: async () => {
      const input = new ort.Tensor('float32', bench.data.slice(), bench.dims);
      const start = performance.now();
      const out = await session.run({ [bench.inputName]: input });
      const ms = performance.now() - start;
      for (const t of Object.values(out)) t.dispose();
      return ms;
    },
    release: () => session.release(),
  };
}
