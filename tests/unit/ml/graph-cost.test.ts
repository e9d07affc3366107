import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSIFIER_COST_LIMITS, estimateGraphCost } from '../../../ml/classify/graph-cost.ts';
import { readOnnxGraph } from '../../../ml/classify/onnx-graph.ts';
import { OnnxDataType, OnnxGraphBuilder } from '../../../models/converter/onnx-builder.ts';
import { mutateBytes, randomBytes } from '../../helpers/fuzz.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { colourClassifier } from './classify-models.ts';
import { hostileClassifier, hostileFlops } from './hostile-classifiers.ts';

const MODELS = join(process.cwd(), 'models', 'generated');
const cost = (bytes: Uint8Array, input: string, dims: number[]) => {
  const graph = readOnnxGraph(bytes);
  if (!graph) throw new Error('not read');
  return estimateGraphCost(graph, new Map([[input, dims]]));
};

describe('the cost of an imported classifier, from its graph (ml/classify/graph-cost.ts)', () => {
  it('counts a small classifier exactly: conv, pooling and MatMul multiply-adds x 2, plus one per output element', () => {
    // Transpose-free colour model: Conv 3->3 1x1 on 32x32, GAP, Flatten, MatMul 3x3, Identity.
    const r = cost(colourClassifier(), 'pixels', [1, 3, 32, 32]);
    const conv = 2 * 3 * 3 * 32 * 32;
    const elements = 3 * 32 * 32 + 3 + 3 + 3 + 3;
    expect(r).toEqual({ ok: true, flops: conv + 2 * 3 * 3 + elements, largestTensor: 3 * 32 * 32, unknownShapes: 0 });
  });

  it('finds the 27 TFLOP MatMul chain of the 14 KB hostile model, and refuses it', () => {
    const bytes = hostileClassifier({ n: 4096, layers: 200, shapes: 'constant' });
    const graph = readOnnxGraph(bytes)!;
    const unlimited = estimateGraphCost(graph, new Map([['pixels', [1, 3, 32, 32]]]), { maxFlops: Infinity, maxTensorElements: Infinity });
    expect(unlimited.ok && unlimited.flops).toBeGreaterThanOrEqual(hostileFlops(4096, 200));
    expect(estimateGraphCost(graph, new Map([['pixels', [1, 3, 32, 32]]]))).toMatchObject({ ok: false, reason: expect.stringContaining('GFLOP') });
  });

  it('refuses a tensor over 2^28 elements and control flow; cannot see shapes computed from pixels (the run budgets cover those)', () => {
    const b = new OnnxGraphBuilder('big');
    const x = b.input('pixels', OnnxDataType.FLOAT, [1, 3, 32, 32]);
    b.node('Expand', [b.op('ReduceMean', [x], { keepdims: 1 }), b.constInt64('shape', [1, 3, 16384, 16384 + 1])], {}, { outputs: ['scores'] });
    b.output('scores', OnnxDataType.FLOAT);
    expect(cost(b.toBytes(), 'pixels', [1, 3, 32, 32])).toMatchObject({ ok: false, reason: expect.stringContaining('tensor') });

    const loop = new OnnxGraphBuilder('loop');
    const y = loop.input('pixels', OnnxDataType.FLOAT, [1, 3, 32, 32]);
    loop.node('Loop', [loop.constInt64('n', [1_000_000], []), '', y], {}, { outputs: ['scores'] });
    loop.output('scores', OnnxDataType.FLOAT);
    expect(cost(loop.toBytes(), 'pixels', [1, 3, 32, 32])).toMatchObject({ ok: false, reason: expect.stringContaining('control flow') });

    const hidden = cost(hostileClassifier({ n: 4096, layers: 200, shapes: 'hidden' }), 'pixels', [1, 3, 32, 32]);
    expect(hidden).toMatchObject({ ok: true });
    expect(hidden.ok && hidden.unknownShapes).toBeGreaterThan(200);
  });

  it('passes the real models the app ships, at the sizes they run at, well under the limit', () => {
    const cases = [
      ['centernet.onnx', 'tower_0/images', [1, 512, 512, 3]],
      ['ch_PP-OCRv4_det_infer.onnx', 'x', [1, 3, 640, 640]],
      ['ch_PP-OCRv4_rec_infer.onnx', 'x', [1, 3, 48, 320]],
      ['ch_ppocr_mobile_v2.0_cls_infer.onnx', 'x', [1, 3, 48, 192]],
    ] as const;
    for (const [file, input, dims] of cases) {
      const r = cost(new Uint8Array(readFileSync(join(MODELS, file))), input, [...dims]);
      console.log(`[graph cost] ${file}: ${r.ok ? `${(r.flops / 1e9).toFixed(2)} GFLOP, largest tensor ${r.largestTensor}, ${r.unknownShapes} outputs of unknown shape` : r.reason}`);
      expect(r.ok, file).toBe(true);
      expect(r.ok && r.flops).toBeLessThan(CLASSIFIER_COST_LIMITS.maxFlops / 10);
    }
  });

  it('reads random and mutated bytes without throwing: undefined or a graph (seeded)', () => {
    const seed = testSeed();
    console.log(`[graph cost] seed ${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    // Copies: the builder answers Node Buffers, whose slice() (which mutateBytes uses) is a view.
    const donors = [new Uint8Array(colourClassifier()), new Uint8Array(hostileClassifier({ n: 64, layers: 2, shapes: 'photo' }))];
    let graphs = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = i % 4 === 0 ? randomBytes(random, 512) : mutateBytes(donors[i % 2]!, random, donors);
      const graph = readOnnxGraph(bytes);
      if (graph) {
        graphs++;
        expect(() => estimateGraphCost(graph, new Map([['pixels', [1, 3, 32, 32]]]))).not.toThrow();
      }
    }
    expect(graphs).toBeGreaterThan(100);
  });
});
