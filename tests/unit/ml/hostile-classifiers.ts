import { OnnxDataType, OnnxGraphBuilder } from '../../../models/converter/onnx-builder.ts';

/**
 * Imported classifiers an attacker (or a careless converter) could hand a person: a few
 * hundred bytes that pass every check of the spec and the model's inputs and outputs, and
 * then cost hours on the first photo. All take `pixels` [1, 3, size, size] and answer
 * `scores` [1, 3], so a spec with three labels fits them. The cost is a chain of `layers`
 * MatMuls of an n x n matrix with itself, 2 n^3 multiply-adds each; the matrix is made
 * from the photo (Expand), so onnxruntime cannot fold it away when the session is made.
 *
 * - `shapes: 'constant'`: the n x n shape is an initializer; the graph says what it costs.
 * - `shapes: 'hidden'`: the shape is computed from the pixels (x * 0 + n), so nothing short
 *   of running the model tells its cost.
 * - `shapes: 'photo'`: n is 1 for a grey or dark photo and about `n` for a bright red one
 *   (max normalised channel value above 1), so a test run on a plain image is cheap and
 *   a real photo is not.
 */
export function hostileClassifier(opts: { n: number; layers: number; shapes: 'constant' | 'hidden' | 'photo'; size?: number }): Uint8Array {
  const size = opts.size ?? 32;
  const b = new OnnxGraphBuilder('hostile');
  const x = b.input('pixels', OnnxDataType.FLOAT, [1, 3, size, size]);
  const scalar = (v: string) => b.op('Reshape', [v, b.constInt64('one_one', [1, 1])]);
  let shape: string;
  if (opts.shapes === 'constant') {
    shape = b.constInt64('n_n', [opts.n, opts.n]);
  } else {
    const probe = opts.shapes === 'hidden'
      ? b.op('Add', [b.op('Mul', [b.op('ReduceMean', [x], { keepdims: 0 }), b.constFloat('zero', [0], [])]), b.constFloat('n', [opts.n], [])])
      : b.op('Add', [
          b.op('Mul', [b.op('Relu', [b.op('Sub', [b.op('ReduceMax', [x], { keepdims: 0 }), b.constFloat('one', [1], [])])]), b.constFloat('k', [opts.n / 1.25], [])]),
          b.constFloat('one_more', [1], []),
        ]);
    const side = b.op('Reshape', [b.op('Cast', [probe], { to: OnnxDataType.INT64 }), b.constInt64('one', [1])]);
    shape = b.op('Concat', [side, side], { axis: 0 });
  }
  let m = b.op('Expand', [scalar(b.op('ReduceMean', [x], { keepdims: 0 })), shape]);
  for (let i = 0; i < opts.layers; i++) m = b.op('MatMul', [m, m]);
  const out = b.op('Mul', [scalar(b.op('ReduceMean', [m], { keepdims: 0 })), b.constFloat('w', [1, 2, 3], [1, 3])]);
  b.node('Identity', [out], {}, { outputs: ['scores'] });
  b.output('scores', OnnxDataType.FLOAT, [1, 3]);
  return b.toBytes({ producerName: 'obscura-tests' });
}

/** Multiply-adds x 2 of the MatMul chain above (for n x n: 2 n^3 per layer). */
export const hostileFlops = (n: number, layers: number): number => 2 * n ** 3 * layers;

export const HOSTILE_SPEC = { name: 'Hostile', inputName: 'pixels', size: 32, labels: ['a', 'b', 'c'] } as const;
