import { join } from 'node:path';
import { convertTfjsGraph } from '../../../models/converter/convert.ts';
import { loadTfjsModel } from '../../../models/converter/load-tfjs-model.ts';
import { buildConvertOptions } from '../../../models/build-models.ts';
import { ROOT } from './bench-inputs.ts';

/** The size the TF.js graph was exported at, which its constants below were folded for. */
export const CENTERNET_EXPORT_SIZE = 512;

/**
 * The constants of @vladmandic/human's CenterNet graph that depend on the input size (read from
 * the graph: every other shape in it is computed at run time). The three Keras UpSampling2D
 * targets (2x their input, folded to 32, 64 and 128 at 512) and, in the decoding, the heatmap's
 * width (128) and its cell count (128 x 128) before the gather of the box sizes.
 */
const SIZE_CONSTANTS: Readonly<Record<string, (side: number) => number[]>> = {
  'tower_0/CenternetHead/c5_upsample/up_sampling2d/mul': (s) => [s / 16, s / 16],
  'tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul': (s) => [s / 8, s / 8],
  'tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul': (s) => [s / 4, s / 4],
  'tower_0/strided_slice_6': (s) => [s / 4],
  'tower_0/BatchGather/concat': (s) => [(s / 4) ** 2, 4],
};

/**
 * The shipped CenterNet converted for a `side` x `side` input (a multiple of 32), the same
 * converter and options as the build: the bench's way to measure another input size before
 * anyone changes the shipped model (tests/bench/centernet-size.bench.ts).
 */
export async function centernetAtSize(side: number): Promise<Uint8Array> {
  if (!Number.isInteger(side / 32)) throw new Error(`CenterNet side ${side} is not a multiple of 32`);
  const { model, weights } = await loadTfjsModel(join(ROOT, 'node_modules/@vladmandic/human/models/centernet.json'));
  for (const [name, values] of Object.entries(SIZE_CONSTANTS)) {
    const t = weights.get(name);
    if (!t || t.dtype !== 'int32') throw new Error(`CenterNet graph has no int32 constant ${name}: the source changed`);
    weights.set(name, { ...t, data: Int32Array.from(values(side)) });
  }
  const nodes = model.nodes.map((n) => (n.op === 'Placeholder' ? { ...n, attr: { ...n.attr, shape: { kind: 'shape' as const, dims: [1, side, side, 3] } } } : n));
  return convertTfjsGraph({ ...model, nodes }, weights, buildConvertOptions('generated/centernet.onnx'));
}
