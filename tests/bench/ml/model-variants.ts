import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-common';
import * as ortNode from 'onnxruntime-node';
import { convertTfjsModelFile } from '../../../models/converter/load-tfjs-model.ts';
import { fuseHardSwish } from '../../../models/converter/fuse-hard-swish.ts';
import { ROOT, type BenchCase } from './bench-inputs.ts';
import { FLOAT_FIRST_CONVS, int8Model } from './int8-variant.ts';
import { CENTERNET_TFJS } from './tfjs-node-contender.ts';

/** A way of shipping a model: its bytes plus the session options used to open it. */
export interface ModelVariant {
  readonly name: string;
  readonly model: Uint8Array;
  readonly options: InferenceSession.SessionOptions;
}

export type VariantName = 'noopt' | 'shipped' | 'fp32' | 'preopt' | 'hswish' | 'int8';

export const VARIANT_NOTES: Record<VariantName, string> = {
  noopt: 'the shipped files with graphOptimizationLevel "disabled" (what the optimizer is worth)',
  shipped: 'the manifest files as built (CenterNet with FLOAT16 weights + Cast), default session options',
  fp32: 'CenterNet converted with FLOAT32 weights; fixed input dims (freeDimensionOverrides), sequential, arena + mem pattern',
  preopt: 'fp32 + graph pre-optimized by onnxruntime-node (level "extended", portable ops only) and saved',
  hswish: 'the shipped files with the hard-swish/hard-sigmoid chains fused (models/converter/fuse-hard-swish.ts)',
  int8: `fp32, optimized at "basic", then static QDQ int8 of every Conv but the first ${FLOAT_FIRST_CONVS} (calibrated on the 6 fixture photos); session level "extended"`,
};

/**
 * Options that pin the det model's free dimensions to the bench input, so the
 * optimizer sees static shapes (the app runs det at a few fixed sizes).
 */
function tunedOptions(bench: BenchCase): InferenceSession.SessionOptions {
  const overrides: Record<string, number> =
    bench.name === 'ocr-det'
      ? { 'p2o.DynamicDimension.0': bench.dims[0]!, 'p2o.DynamicDimension.1': bench.dims[2]!, 'p2o.DynamicDimension.2': bench.dims[3]! }
      : {};
  return { graphOptimizationLevel: 'all', executionMode: 'sequential', enableCpuMemArena: true, enableMemPattern: true, freeDimensionOverrides: overrides };
}

/**
 * Saves the graph as onnxruntime optimized it at level "extended": constant
 * folding (the FLOAT16 -> FLOAT32 Casts become plain weights), Conv+activation
 * fusion, transpose cancelling. Not "all": that adds NCHWc layout ops that only
 * the native x86 build has.
 */
async function preOptimize(model: Uint8Array, options: InferenceSession.SessionOptions): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-bench-'));
  try {
    const path = join(dir, 'optimized.onnx');
    const session = await ortNode.InferenceSession.create(model, { ...options, graphOptimizationLevel: 'extended', optimizedModelFilePath: path });
    await session.release();
    return new Uint8Array(await readFile(path));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Builds the model variants of one case (conversion and pre-optimization run here, in a second or two). */
export async function modelVariants(bench: BenchCase, names: readonly VariantName[]): Promise<ModelVariant[]> {
  const shipped = new Uint8Array(await readFile(join(ROOT, bench.modelPath)));
  const fp32 = bench.name === 'centernet' ? await convertTfjsModelFile(CENTERNET_TFJS, { name: 'centernet', keepFloat16: false }) : shipped;
  const out: ModelVariant[] = [];
  for (const name of names) {
    if (name === 'noopt') out.push({ name, model: shipped, options: { graphOptimizationLevel: 'disabled' } });
    if (name === 'shipped') out.push({ name, model: shipped, options: {} });
    if (name === 'fp32') out.push({ name, model: fp32, options: tunedOptions(bench) });
    if (name === 'preopt') {
      const options = tunedOptions(bench);
      // Already optimized: a second pass at session creation would find nothing to do.
      out.push({ name, model: await preOptimize(fp32, options), options: { ...options, graphOptimizationLevel: 'all' } });
    }
    if (name === 'hswish') out.push({ name, model: fuseHardSwish(shipped).model, options: {} });
    // "extended", not "all": at "all" the NHWC transformer wraps every QLinearConv in Transposes (slower in wasm).
    if (name === 'int8') out.push({ name, model: await int8Model(bench, fp32), options: { graphOptimizationLevel: 'extended' } });
  }
  return out;
}
