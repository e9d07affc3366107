import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { resizeImage } from '../../../ml/image/resize-image.ts';
import { convertTfjsModelFile, loadTfjsModel } from '../../../models/converter/load-tfjs-model.ts';
import { danglingOutputs } from '../../../models/converter/graph-order.ts';
import { loadPhoto } from './photos.ts';
import { HUMAN_MODELS, loadTfjsReference, maxAbsDiff } from './tfjs-reference.ts';

/**
 * Other graph models of @vladmandic/human whose ops the converter supports:
 * together they exercise Pad, AddV2, PRelu, Softmax, MatMul, Minimum/Maximum,
 * uint8/float16/float32 weights and dynamic batch dimensions.
 */
const MODELS = ['blazeface', 'iris', 'emotion', 'antispoof', 'liveness', 'faceres'];

/** The astronaut photo (a face) resized to the model input, values 0..1. */
async function faceInput(shape: readonly number[]): Promise<Float32Array> {
  const [, h, w, c] = shape as [number, number, number, number];
  const img = resizeImage(await loadPhoto('astronaut.jpg'), w, h);
  const out = new Float32Array(h * w * c);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < c; k++) {
      // One channel: use the mean of RGB, as a grayscale model expects.
      const v = c === 1 ? ((img.data[p * 4] as number) + (img.data[p * 4 + 1] as number) + (img.data[p * 4 + 2] as number)) / 3 : (img.data[p * 4 + k] as number);
      out[p * c + k] = v / 255;
    }
  }
  return out;
}

describe('converted human models match TensorFlow.js', () => {
  it.each(MODELS)('%s', async (name) => {
    const path = join(HUMAN_MODELS, `${name}.json`);
    const { model } = await loadTfjsModel(path);
    const outputs = model.signatureOutputs.length ? [...model.signatureOutputs] : danglingOutputs(model.nodes);
    const session = await ort.InferenceSession.create(await convertTfjsModelFile(path, { name, outputs }));
    const inputName = session.inputNames[0] as string;
    const meta = session.inputMetadata[0];
    const dims = meta && meta.isTensor ? meta.shape.map((d) => (typeof d === 'number' ? d : 1)) : [];
    const input = await faceInput(dims);

    const expected = await (await loadTfjsReference(path)).run(input, dims, outputs);
    const got = await session.run({ [inputName]: new ort.Tensor('float32', input.slice(), dims) });
    outputs.forEach((out, i) => {
      const want = expected[i] as Float32Array;
      const have = got[out]?.data as Float32Array;
      const diff = maxAbsDiff(have, want);
      const magnitude = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      console.log(`${name} ${out}: max abs diff ${diff.toExponential(2)} (values up to ${magnitude.toFixed(2)})`);
      // Absolute 1e-4 for probabilities; relative for regressed pixel offsets.
      expect(diff).toBeLessThanOrEqual(1e-4 * Math.max(1, magnitude));
    });
  });
});
