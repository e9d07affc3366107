import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder, floatAttr } from '../../../models/converter/onnx-builder.ts';
import { decodeOnnxModel } from '../../../models/converter/onnx-proto.ts';
import { OnnxDataType } from '../../../models/converter/onnx-types.ts';

/** A 2-class "classifier": 1x1 conv -> global average pool -> softmax. */
function tinyClassifier(): Uint8Array {
  const b = new OnnxGraphBuilder('tiny');
  const x = b.input('image', OnnxDataType.FLOAT, ['batch', 3, 4, 4]);
  // Class 0 responds to red, class 1 to blue.
  const w = b.constFloat('w', [1, 0, 0, 0, 0, 1], [2, 3, 1, 1]);
  const conv = b.op('Conv', [x, w], { kernel_shape: [1, 1] });
  const pooled = b.op('GlobalAveragePool', [conv]);
  const flat = b.op('Flatten', [pooled], { axis: 1 });
  const scaled = b.op('Mul', [flat, b.constFloat('t', [10], [])]);
  b.node('Softmax', [scaled], { axis: -1 }, { outputs: ['probs'] });
  b.output('probs', OnnxDataType.FLOAT, ['batch', 2]);
  return b.toBytes({ producerName: 'test', metadata: { purpose: 'unit test' } });
}

describe('OnnxGraphBuilder', () => {
  it('writes a model onnxruntime runs', async () => {
    const session = await ort.InferenceSession.create(tinyClassifier());
    const red = new Float32Array(48);
    red.fill(1, 0, 16);
    const { probs } = await session.run({ image: new ort.Tensor('float32', red, [1, 3, 4, 4]) });
    const p = probs?.data as Float32Array;
    expect(p[0]).toBeGreaterThan(0.99);
    expect(p[1]).toBeLessThan(0.01);
  });

  it('is deterministic and round-trips through the protobuf schema', () => {
    const a = tinyClassifier();
    expect(Buffer.from(tinyClassifier()).equals(Buffer.from(a))).toBe(true);
    const decoded = decodeOnnxModel(a) as { irVersion: number; opsetImport: { version: number }[]; graph: { node: unknown[] } };
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport[0]?.version).toBe(17);
    expect(decoded.graph.node).toHaveLength(5);
  });

  it('keeps value names unique and rejects non-integer INT attributes', () => {
    const b = new OnnxGraphBuilder();
    expect(b.uniqueName('v')).toBe('v');
    expect(b.uniqueName('v')).toBe('v__1');
    expect(() => b.op('LeakyRelu', ['v'], { alpha: 0.1 })).toThrow(/floatAttr/);
    expect(() => b.op('LeakyRelu', ['v'], { alpha: floatAttr(0.1) })).not.toThrow();
  });
});
