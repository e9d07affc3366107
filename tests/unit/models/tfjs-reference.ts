import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { io } from '@tensorflow/tfjs';

export const HUMAN_MODELS = join(process.cwd(), 'node_modules', '@vladmandic', 'human', 'models');

let ready: Promise<void> | undefined;

/**
 * TF.js with its wasm backend, the reference our converted models must match.
 * The wasm binaries are loaded from node_modules, never from a CDN.
 */
export function tfReady(): Promise<void> {
  ready ??= (async () => {
    setWasmPaths(`${join(process.cwd(), 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist')}/`);
    await tf.setBackend('wasm');
    await tf.ready();
  })();
  return ready;
}

export interface TfjsReference {
  /** Runs the TF.js graph model; returns the named outputs' data in order. */
  run(input: Float32Array, shape: number[], outputs: string[]): Promise<Float32Array[]>;
}

export async function loadTfjsReference(modelJsonPath: string): Promise<TfjsReference> {
  await tfReady();
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
    signature?: object;
  };
  const dir = modelJsonPath.replace(/[^/]*$/, '');
  const shards = await Promise.all(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(join(dir, p)))));
  const all = Buffer.concat(shards);
  const handler: io.IOHandler = {
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      format: 'graph-model',
      ...(json.signature ? { signature: json.signature } : {}),
    }),
  };
  const model = await tf.loadGraphModel(handler);
  return {
    async run(input, shape, outputs) {
      const x = tf.tensor(input, shape, 'float32');
      const ys = model.execute(x, outputs);
      const list = Array.isArray(ys) ? ys : [ys];
      const data = await Promise.all(list.map(async (y) => Float32Array.from(await y.data())));
      tf.dispose([x, ...list]);
      return data;
    },
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
