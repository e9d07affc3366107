import * as tf from '@tensorflow/tfjs';
import type { io } from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { convertTfjsGraph } from '../../../models/converter/convert.ts';
import { parseTfjsGraphModel } from '../../../models/converter/tfjs-graph.ts';
import { decodeWeights } from '../../../models/converter/weights.ts';
import { tfReady } from './tfjs-reference.ts';

/** Attribute encoders in TF.js's model.json form. */
export const attr = {
  s: (v: string) => ({ s: btoa(v) }),
  i: (v: number) => ({ i: String(v) }),
  f: (v: number) => ({ f: v }),
  b: (v: boolean) => ({ b: v }),
  type: (v: string) => ({ type: v }),
  ints: (v: number[]) => ({ list: { i: v.map(String) } }),
  strs: (v: string[]) => ({ list: { s: v.map((x) => btoa(x)) } }),
};

export interface SynthTensor {
  readonly name: string;
  readonly dtype: 'float32' | 'int32';
  readonly shape: number[];
  readonly values: number[];
}

export interface SynthNode {
  readonly name: string;
  readonly op: string;
  readonly input?: string[];
  readonly attr?: Record<string, unknown>;
}

const DT = { float32: 'DT_FLOAT', int32: 'DT_INT32' } as const;

/**
 * Builds a TF.js graph model in memory from a few nodes, runs it with TF.js
 * and, converted, with onnxruntime-node; returns both results per output.
 */
export async function runBoth(
  nodes: SynthNode[],
  consts: SynthTensor[],
  inputs: SynthTensor[],
  outputs: string[],
): Promise<{ tf: number[][]; onnx: number[][] }> {
  const placeholders = inputs.map((t) => ({
    name: t.name,
    op: 'Placeholder',
    attr: { dtype: attr.type(DT[t.dtype]), shape: { shape: { dim: t.shape.map((d) => ({ size: String(d) })) } } },
  }));
  const constNodes = consts.map((c) => ({ name: c.name, op: 'Const', attr: { dtype: attr.type(DT[c.dtype]) } }));
  const weightSpecs: io.WeightsManifestEntry[] = consts.map((c) => ({ name: c.name, shape: c.shape, dtype: c.dtype }));
  const chunks = consts.map((c) => new Uint8Array((c.dtype === 'int32' ? Int32Array.from(c.values) : Float32Array.from(c.values)).buffer));
  const weightData = new Uint8Array(chunks.reduce((a, c) => a + c.byteLength, 0));
  chunks.reduce((at, c) => (weightData.set(c, at), at + c.byteLength), 0);
  const topology = { versions: { producer: 1395 }, node: [...placeholders, ...constNodes, ...nodes.map((n) => ({ input: [], attr: {}, ...n }))] };

  await tfReady();
  const model = await tf.loadGraphModel({
    load: async () => ({ modelTopology: topology, weightSpecs, weightData: weightData.buffer, format: 'graph-model' }),
  });
  const feeds = Object.fromEntries(inputs.map((t) => [t.name, tf.tensor(t.values, t.shape, t.dtype)]));
  const ys = model.execute(feeds, outputs);
  const tfOut = await Promise.all((Array.isArray(ys) ? ys : [ys]).map(async (y) => Array.from(await y.data())));

  const parsed = parseTfjsGraphModel({ format: 'graph-model', modelTopology: topology, weightsManifest: [{ paths: ['w.bin'], weights: weightSpecs }] });
  const onnxBytes = convertTfjsGraph(parsed, decodeWeights(parsed.weightGroups, [[weightData]]), { outputs });
  const session = await ort.InferenceSession.create(onnxBytes);
  const ortFeeds = Object.fromEntries(
    inputs.map((t) => [t.name, new ort.Tensor(t.dtype, t.dtype === 'int32' ? Int32Array.from(t.values) : Float32Array.from(t.values), t.shape)]),
  );
  const res = await session.run(ortFeeds);
  const onnx = outputs.map((o) => Array.from(res[o.replace(/:0$/, '')]?.data as ArrayLike<number>));
  return { tf: tfOut, onnx };
}
