import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ROOT, type BenchCase } from './bench-inputs.ts';
import type { Contender } from './contender.ts';

/** The TF.js graph model the ONNX CenterNet is converted from (same weights). */
export const CENTERNET_TFJS = join(ROOT, 'node_modules/@vladmandic/human/models/centernet.json');

interface TfjsModelJson {
  modelTopology: tf.io.ModelJSON['modelTopology'];
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/**
 * TensorFlow.js with its wasm backend in Node, on the original CenterNet
 * graph: the runtime the app would use if it skipped the ONNX conversion.
 * Node has no cross-origin isolation, so this is TF.js's single-threaded SIMD
 * build.
 */
export async function tfjsNodeContender(bench: BenchCase): Promise<Contender & { release(): void }> {
  setWasmPaths(`${join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
  await tf.setBackend('wasm');
  await tf.ready();
  const t0 = performance.now();
  const json = JSON.parse(await readFile(CENTERNET_TFJS, 'utf8')) as TfjsModelJson;
  const shards = await Promise.all(
    json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(CENTERNET_TFJS, '..', p))),
  );
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }),
  );
  const createMs = performance.now() - t0;
  return {
    runtime: 'tfjs-wasm node',
    model: bench.name,
    threads: 1,
    createMs,
    runOnce: async () => {
      const start = performance.now();
      const input = tf.tensor(bench.data, [...bench.dims], 'float32');
      // execute, not executeAsync: the graph has no control flow, and TF.js says so on every run.
      const out = model.execute(input);
      const outs = Array.isArray(out) ? out : [out];
      // Read every output back, as ORT hands back its outputs in CPU memory.
      await Promise.all(outs.map((t) => t.data()));
      tf.dispose([input, ...outs]);
      return performance.now() - start;
    },
    release: () => model.dispose(),
  };
}
