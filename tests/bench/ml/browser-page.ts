/**
 * The benchmark page's script (bundled by esbuild in chromium-contenders.ts and
 * served to headless Chromium). onnxruntime-web is NOT bundled: it is imported
 * at run time from /ort/ort.wasm.min.mjs, the file the app ships, so it finds
 * its worker and .wasm next to itself exactly as in production.
 */
import type * as OrtWeb from 'onnxruntime-web/wasm';
import type { InferenceSession } from 'onnxruntime-common';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export interface BenchPageApi {
  /** Once per page, before anything else: thread counts are fixed at wasm init. */
  setup(threads: number): Promise<{ crossOriginIsolated: boolean; tfjsBackend: string }>;
  /** Opens a session/model under `key`; returns creation ms. */
  openOrt(key: string, modelUrl: string, input: PageInput, options: InferenceSession.SessionOptions): Promise<number>;
  openTfjs(key: string, modelUrl: string, input: PageInput): Promise<number>;
  /** One inference; returns its ms measured inside the page. */
  run(key: string): Promise<number>;
}

export interface PageInput {
  readonly url: string;
  readonly name: string;
  readonly dims: readonly number[];
}

type Runner = () => Promise<void>;
const runners = new Map<string, Runner>();
let ort: typeof OrtWeb | undefined;

async function fetchInput(input: PageInput): Promise<Float32Array> {
  const res = await fetch(input.url);
  if (!res.ok) throw new Error(`${input.url}: ${res.status}`);
  return new Float32Array(await res.arrayBuffer());
}

const api: BenchPageApi = {
  async setup(threads) {
    // A string specifier keeps esbuild from bundling ORT (see the file comment).
    const ortUrl = '/ort/ort.wasm.min.mjs';
    ort = (await import(/* @vite-ignore */ ortUrl)) as typeof OrtWeb;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.wasmPaths = '/ort/';
    setWasmPaths('/tfjs/');
    setThreadsCount(threads);
    await tf.setBackend('wasm');
    await tf.ready();
    return { crossOriginIsolated: globalThis.crossOriginIsolated, tfjsBackend: tf.getBackend() };
  },
  async openOrt(key, modelUrl, input, options) {
    if (!ort) throw new Error('setup() first');
    const web = ort;
    const model = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
    const data = await fetchInput(input);
    const t0 = performance.now();
    const session = await web.InferenceSession.create(model, options);
    const createMs = performance.now() - t0;
    runners.set(key, async () => {
      const out = await session.run({ [input.name]: new web.Tensor('float32', data.slice(), input.dims) });
      for (const t of Object.values(out)) t.dispose();
    });
    return createMs;
  },
  async openTfjs(key, modelUrl, input) {
    const data = await fetchInput(input);
    const t0 = performance.now();
    const model: GraphModel = await loadGraphModel(modelUrl);
    const createMs = performance.now() - t0;
    runners.set(key, async () => {
      const x = tf.tensor(data, [...input.dims], 'float32');
      const out = model.execute(x);
      const outs = Array.isArray(out) ? out : [out];
      await Promise.all(outs.map((t) => t.data()));
      tf.dispose([x, ...outs]);
    });
    return createMs;
  },
  async run(key) {
    const runner = runners.get(key);
    if (!runner) throw new Error(`no contender ${key}`);
    const t0 = performance.now();
    await runner();
    return performance.now() - t0;
  },
};

(globalThis as { obscuraBench?: BenchPageApi }).obscuraBench = api;
