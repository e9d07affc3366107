import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../../../models/converter/onnx-builder.ts';
import { decodeOnnxModel } from '../../../models/converter/onnx-proto.ts';
import { OnnxDataType } from '../../../models/converter/onnx-types.ts';
import { activationParams, convOutputs, qdqCalibrationTensors, quantizeConvQdq, withExtraOutputs, type ValueRange } from '../../../models/converter/quantize-qdq.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';

const seed = testSeed();
const random = seededRandom(seed);
const values = (n: number, scale: number): number[] => Array.from({ length: n }, () => (random() * 2 - 1) * scale);

/** 3x3 Conv + Relu -> depthwise 3x3 Conv -> 1x1 Conv, NCHW [1,3,16,16]. */
function smallNet(): Uint8Array {
  const b = new OnnxGraphBuilder('small');
  const x = b.input('x', OnnxDataType.FLOAT, [1, 3, 16, 16]);
  const c1 = b.op('Conv', [x, b.constFloat('w1', values(8 * 3 * 9, 0.5), [8, 3, 3, 3]), b.constFloat('b1', values(8, 0.2))], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'c1');
  const r1 = b.op('Relu', [c1]);
  const c2 = b.op('Conv', [r1, b.constFloat('w2', values(8 * 9, 0.5), [8, 1, 3, 3]), b.constFloat('b2', values(8, 0.2))], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 8 }, 'c2');
  const c3 = b.op('Conv', [c2, b.constFloat('w3', values(4 * 8, 0.5), [4, 8, 1, 1])], { kernel_shape: [1, 1] }, 'c3');
  b.node('Sigmoid', [c3], {}, { outputs: ['y'] });
  // A 1x1 Conv straight to a graph output: never quantized.
  b.node('Conv', [c3, b.constFloat('w4', values(4, 0.5), [1, 4, 1, 1])], { kernel_shape: [1, 1] }, { name: 'c4', outputs: ['z'] });
  b.output('y', OnnxDataType.FLOAT, [1, 4, 16, 16]);
  b.output('z', OnnxDataType.FLOAT, [1, 1, 16, 16]);
  return b.toBytes();
}

const input = (): Float32Array => Float32Array.from(values(3 * 16 * 16, 1));

async function ranges(model: Uint8Array, names: string[], feeds: Float32Array[]): Promise<Map<string, ValueRange>> {
  const s = await ort.InferenceSession.create(withExtraOutputs(model, names), { graphOptimizationLevel: 'disabled' });
  const out = new Map<string, ValueRange>();
  for (const f of feeds) {
    const r = await s.run({ x: new ort.Tensor('float32', f, [1, 3, 16, 16]) });
    for (const n of names) {
      const d = r[n]?.data as Float32Array;
      const prev = out.get(n);
      out.set(n, { min: Math.min(prev?.min ?? Infinity, ...d), max: Math.max(prev?.max ?? -Infinity, ...d) });
    }
  }
  await s.release();
  return out;
}

async function run(model: Uint8Array, x: Float32Array, level: 'disabled' | 'extended'): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model, { graphOptimizationLevel: level });
  const r = await s.run({ x: new ort.Tensor('float32', x.slice(), [1, 3, 16, 16]) });
  await s.release();
  return r.y?.data as Float32Array;
}

/** The ops onnxruntime-node leaves after optimizing at "extended" (where QDQ fusion happens). */
async function optimizedOps(model: Uint8Array): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-qdq-'));
  try {
    const path = join(dir, 'opt.onnx');
    await (await ort.InferenceSession.create(model, { graphOptimizationLevel: 'extended', optimizedModelFilePath: path })).release();
    return (decodeOnnxModel(new Uint8Array(await readFile(path))).graph as { node: { opType: string }[] }).node.map((n) => n.opType);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe(`quantizeConvQdq (OBSCURA_SEED=${seed})`, () => {
  it('asks for ranges of each Conv input and result (after a sole Relu)', () => {
    expect(qdqCalibrationTensors(smallNet())).toEqual(['x', 'Relu:out', 'c2:out', 'c3:out']);
    expect(convOutputs(smallNet())).toEqual(['c1:out', 'c2:out', 'c3:out', 'z']);
  });

  it('quantizes every Conv into a QLinearConv and stays within 3% of the float output range', async () => {
    const model = smallNet();
    const feeds = [input(), input(), input()];
    const q = quantizeConvQdq(model, await ranges(model, qdqCalibrationTensors(model), feeds));
    const ops = await optimizedOps(q);
    expect(ops.filter((op) => op === 'QLinearConv')).toHaveLength(3);
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(1);
    expect((decodeOnnxModel(q).opsetImport as { version: number }[])[0]?.version).toBe(17);
    const x = feeds[0] as Float32Array;
    const want = await run(model, x, 'disabled');
    const span = Math.max(...want) - Math.min(...want);
    for (const level of ['disabled', 'extended'] as const) {
      const got = await run(q, x, level);
      const worst = got.reduce((m, v, i) => Math.max(m, Math.abs(v - (want[i] as number))), 0);
      expect(worst / span, level).toBeLessThan(0.03);
    }
  });

  it('leaves excluded Convs in float', async () => {
    const model = smallNet();
    const exclude = new Set(['c1:out']);
    const names = qdqCalibrationTensors(model, { exclude });
    expect(names).toEqual(['Relu:out', 'c2:out', 'c3:out']);
    const q = quantizeConvQdq(model, await ranges(model, names, [input()]), { exclude });
    const ops = await optimizedOps(q);
    expect(ops.filter((op) => op === 'QLinearConv')).toHaveLength(2);
    expect(ops.filter((op) => op === 'Conv' || op === 'FusedConv')).toHaveLength(2);
  });

  it('refuses to guess a missing range', () => {
    expect(() => quantizeConvQdq(smallNet(), new Map())).toThrow(/no calibration range for "x"/);
  });

  it('derives uint8 parameters that cover zero', () => {
    expect(activationParams({ min: 0, max: 2.55 })).toEqual({ scale: Math.fround(0.01), zeroPoint: 0 });
    expect(activationParams({ min: 1, max: 2.55 }).zeroPoint).toBe(0);
    expect(activationParams({ min: -1.275, max: 1.275 })).toEqual({ scale: Math.fround(0.01), zeroPoint: 128 });
    expect(activationParams({ min: 0, max: 0 })).toEqual({ scale: 1, zeroPoint: 0 });
  });
});
