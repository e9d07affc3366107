import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { letterbox } from '../../../ml/image/letterbox.ts';
import { detPreprocess } from '../../../ml/ocr/det-preprocess.ts';
import { convOutputs, qdqCalibrationTensors, quantizeConvQdq, withExtraOutputs, type ValueRange } from '../../../models/converter/quantize-qdq.ts';
import { decodeFixture, type BenchCase } from './bench-inputs.ts';

/** Every committed fixture photo: the calibration set (also the accuracy set; there is no other). */
export const CALIBRATION_PHOTOS = ['chelsea.jpg', 'coffee.jpg', 'astronaut.jpg', 'motorcycle_left.jpg', 'page.png', 'text-card.jpg'];

/** How many Convs, in graph order, stay float: the high-resolution first layers carry most of the error. */
export const FLOAT_FIRST_CONVS = 4;

async function calibrationFeeds(bench: BenchCase): Promise<Record<string, ortNode.Tensor>[]> {
  const images = await Promise.all(CALIBRATION_PHOTOS.map(decodeFixture));
  return images.map((img) => {
    if (bench.name === 'centernet') return { [bench.inputName]: new ortNode.Tensor('float32', letterbox(img, 512).data, [1, 512, 512, 3]) };
    const d = detPreprocess(img, 960);
    return { [bench.inputName]: new ortNode.Tensor('float32', d.data, [1, 3, d.height, d.width]) };
  });
}

/** Min/max of each named tensor over the calibration photos, run on onnxruntime-node without optimization. */
export async function calibrate(model: Uint8Array, names: readonly string[], feeds: readonly Record<string, ortNode.Tensor>[]): Promise<Map<string, ValueRange>> {
  const session = await ortNode.InferenceSession.create(withExtraOutputs(model, names), { graphOptimizationLevel: 'disabled' });
  const ranges = new Map<string, ValueRange>();
  try {
    for (const feed of feeds) {
      const out = await session.run(feed);
      for (const n of names) {
        const data = out[n]?.data as Float32Array;
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of data) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        const r = ranges.get(n);
        ranges.set(n, { min: Math.min(lo, r?.min ?? Infinity), max: Math.max(hi, r?.max ?? -Infinity) });
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}

/**
 * fp32 model -> graph optimized by onnxruntime-node at level "basic" (constant
 * folding, Transposes cancelled; standard ops only) -> static QDQ int8 of every
 * Conv but the first few, calibrated on the fixture photos.
 */
export async function int8Model(bench: BenchCase, fp32: Uint8Array): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-int8-'));
  let basic: Uint8Array;
  try {
    const path = join(dir, 'basic.onnx');
    const s = await ortNode.InferenceSession.create(fp32, { graphOptimizationLevel: 'basic', optimizedModelFilePath: path });
    await s.release();
    basic = new Uint8Array(await readFile(path));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const exclude = new Set(convOutputs(basic).slice(0, FLOAT_FIRST_CONVS));
  const names = qdqCalibrationTensors(basic, { exclude });
  return quantizeConvQdq(basic, await calibrate(basic, names, await calibrationFeeds(bench)), { exclude });
}
