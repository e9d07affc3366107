import type { OnnxAttr, OnnxNode } from './onnx-graph.ts';

export type Dims = readonly (number | undefined)[];
/** What is known of a value: its dims (undefined: not even the rank) and, for small constants, its values. */
export type Info = { readonly dims?: Dims; readonly values?: readonly number[] };

/** One output with the shape of the first input. */
const SAME_SHAPE = new Set([
  'Identity', 'Relu', 'Sigmoid', 'Tanh', 'Clip', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Softmax', 'LogSoftmax',
  'Dropout', 'BatchNormalization', 'Erf', 'Exp', 'Log', 'Sqrt', 'Neg', 'Abs', 'Cast', 'Not', 'Elu', 'Selu', 'Gelu',
  'InstanceNormalization', 'LayerNormalization', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign', 'Sin', 'Cos',
  'Softplus', 'Mish', 'LRN', 'CastLike', 'QuantizeLinear', 'DequantizeLinear', 'IsNaN', 'IsInf',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Where', 'And', 'Or', 'Xor', 'Mod', 'PRelu', 'BitShift']);
const POOL = new Set(['MaxPool', 'AveragePool', 'LpPool']);
const ARITH: Partial<Record<string, (a: number, b: number) => number>> = { Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b, Div: (a, b) => Math.trunc(a / b) };

export const known = (d: Dims | undefined): d is readonly number[] => d !== undefined && d.every((x) => x !== undefined);
export const count = (d: Dims | undefined): number | undefined => (known(d) ? d.reduce((a, b) => a * b, 1) : undefined);
const attrInt = (n: OnnxNode, name: string, fallback: number): number => n.attrs.get(name)?.i ?? fallback;
const attrInts = (n: OnnxNode, name: string): readonly number[] | undefined => n.attrs.get(name)?.ints;
const axis = (a: number, rank: number): number => (a < 0 ? a + rank : a);

function broadcast(shapes: readonly (Dims | undefined)[]): Dims | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const rank = Math.max(...shapes.map((s) => s!.length));
  return Array.from({ length: rank }, (_, i) => {
    // A shorter shape has 1s in front.
    const dims = shapes.map((s) => (i < rank - s!.length ? 1 : s![s!.length - rank + i])).filter((d) => d !== 1);
    if (dims.length === 0) return 1;
    return dims.every((d) => d !== undefined && d === dims[0]) ? dims[0] : dims.find((d) => d !== undefined);
  });
}

/** Spatial output size of a conv or pool along one axis. */
function window(n: OnnxNode, x: Dims, k: readonly number[], i: number): number | undefined {
  const size = x[2 + i];
  if (size === undefined || k[i] === undefined) return undefined;
  const stride = attrInts(n, 'strides')?.[i] ?? 1;
  const dilation = attrInts(n, 'dilations')?.[i] ?? 1;
  const autoPad = n.attrs.get('auto_pad');
  if (autoPad !== undefined && attrInts(n, 'pads') === undefined) return Math.ceil(size / stride); // SAME_*; VALID is rarer and smaller
  const pads = attrInts(n, 'pads') ?? [];
  const span = size + (pads[i] ?? 0) + (pads[i + k.length] ?? 0) - dilation * (k[i]! - 1) - 1;
  const round = attrInt(n, 'ceil_mode', 0) === 1 ? Math.ceil : Math.floor;
  return Math.max(1, round(span / stride) + 1);
}

export type Step = { outputs: Info[]; flops?: number };

/**
 * The output infos of one node and its multiply-adds x 2, from what is known of its inputs.
 * Unknown ops and unknown inputs give unknown outputs: never a guess that could refuse an
 * honest model.
 */
export function inferNode(n: OnnxNode, ins: readonly Info[]): Step {
  const x = ins[0]?.dims;
  const one = (dims: Dims | undefined, values?: readonly number[]): Step => ({ outputs: [{ ...(dims && { dims }), ...(values && { values }) }] });
  const op = n.opType;
  if (SAME_SHAPE.has(op)) return op === 'Cast' || op === 'Identity' ? one(x, ins[0]?.values) : one(x);
  if (BROADCAST.has(op)) {
    const [a, b] = [ins[0]?.values, ins[1]?.values];
    const f = ARITH[op];
    const values = f && a && b && (a.length === b.length || b.length === 1) ? a.map((v, i) => f(v, b[b.length === 1 ? 0 : i]!)) : undefined;
    return one(broadcast(ins.map((i) => i.dims)), values);
  }
  switch (op) {
    case 'Constant': {
      const a: OnnxAttr | undefined = n.attrs.get('value');
      if (a?.t) return one(a.t.dims, a.t.values);
      const ints = attrInts(n, 'value_ints');
      if (ints) return one([ints.length], ints);
      const int = n.attrs.get('value_int')?.i;
      return int === undefined ? one(undefined) : one([], [int]);
    }
    case 'Shape':
      return one(x ? [x.length] : [undefined], known(x) ? x : undefined);
    case 'MatMul': {
      const b = ins[1]?.dims;
      if (!x || !b || x.length < 1 || b.length < 1) return one(undefined);
      const a2 = x.length === 1 ? [1, x[0]] : x;
      const b2 = b.length === 1 ? [b[0], 1] : b;
      const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)]) ?? [];
      const [m, k, nn] = [a2[a2.length - 2], a2[a2.length - 1], b2[b2.length - 1]];
      const out = [...batch, ...(x.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [nn])];
      const macs = count([...batch, m, k, nn]);
      return { outputs: [{ dims: out }], ...(macs !== undefined && { flops: 2 * macs }) };
    }
    case 'Gemm': {
      const b = ins[1]?.dims;
      if (!x || !b || x.length !== 2 || b.length !== 2) return one(undefined);
      const [m, k] = attrInt(n, 'transA', 0) ? [x[1], x[0]] : [x[0], x[1]];
      const nn = attrInt(n, 'transB', 0) ? b[0] : b[1];
      const macs = count([m, k, nn]);
      return { outputs: [{ dims: [m, nn] }], ...(macs !== undefined && { flops: 2 * macs }) };
    }
    case 'Conv':
    case 'ConvTranspose': {
      const w = ins[1]?.dims;
      if (!x || !w || x.length < 3 || w.length !== x.length) return one(undefined);
      const k = attrInts(n, 'kernel_shape') ?? (w.slice(2) as number[]);
      const group = attrInt(n, 'group', 1);
      if (op === 'Conv') {
        const spatial = k.map((_, i) => window(n, x, k, i));
        const macs = count([x[0], w[0], ...spatial, w[1], ...k]);
        return { outputs: [{ dims: [x[0], w[0], ...spatial] }], ...(macs !== undefined && { flops: 2 * macs }) };
      }
      const strides = attrInts(n, 'strides') ?? [];
      const outShape = attrInts(n, 'output_shape');
      const spatial = k.map((kk, i) => outShape?.[i] ?? (x[2 + i] === undefined ? undefined : (x[2 + i]! - 1) * (strides[i] ?? 1) + kk));
      const outC = w[1] === undefined ? undefined : w[1] * group;
      const macs = count([x[0], x[1], ...x.slice(2), w[1], ...k]);
      return { outputs: [{ dims: [x[0], outC, ...spatial] }], ...(macs !== undefined && { flops: 2 * macs }) };
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      return one(x && [x[0], x[1], ...x.slice(2).map(() => 1)]);
    case 'Flatten': {
      if (!x) return one(undefined);
      const a = axis(attrInt(n, 'axis', 1), x.length);
      return one([count(x.slice(0, a)), count(x.slice(a))]);
    }
    case 'Reshape': {
      const target = ins[1]?.values;
      if (!target) return one(undefined);
      const dims = target.map((d, i) => (d === 0 ? x?.[i] : d === -1 ? undefined : d));
      const total = count(x);
      const rest = count(dims.filter((_, i) => target[i] !== -1));
      return one(dims.map((d, i) => (target[i] === -1 && total !== undefined && rest ? total / rest : d)), ins[0]?.values);
    }
    case 'Transpose': {
      if (!x) return one(undefined);
      const perm = attrInts(n, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      return one(perm.map((p) => x[p]));
    }
    case 'Squeeze':
    case 'Unsqueeze': {
      const axes = attrInts(n, 'axes') ?? ins[1]?.values;
      if (!x || !axes) return one(undefined);
      if (op === 'Squeeze') {
        const drop = new Set(axes.map((a) => axis(a, x.length)));
        return one(x.filter((_, i) => !drop.has(i)), ins[0]?.values);
      }
      const rank = x.length + axes.length;
      const add = new Set(axes.map((a) => axis(a, rank)));
      const rest = [...x];
      return one(Array.from({ length: rank }, (_, i) => (add.has(i) ? 1 : rest.shift())), ins[0]?.values);
    }
    case 'Concat': {
      if (ins.some((i) => !i.dims) || !x) return one(undefined);
      const a = axis(attrInt(n, 'axis', 0), x.length);
      const dims = x.map((d, i) => (i === a ? ins.reduce<number | undefined>((s, v) => (s === undefined || v.dims![a] === undefined ? undefined : s + v.dims![a]!), 0) : d));
      const values = ins.every((i) => i.values) ? ins.flatMap((i) => i.values!) : undefined;
      return one(dims, values);
    }
    case 'Gather': {
      const idx = ins[1];
      if (!x || !idx?.dims) return one(undefined);
      const a = axis(attrInt(n, 'axis', 0), x.length);
      const data = ins[0]?.values;
      const values = x.length === 1 && data && idx.values ? idx.values.map((i) => data[axis(i, data.length)] ?? 0) : undefined;
      return one([...x.slice(0, a), ...idx.dims, ...x.slice(a + 1)], values);
    }
    case 'Expand':
      return one(ins[1]?.values && x ? broadcast([x, ins[1].values]) : undefined);
    case 'Tile': {
      const reps = ins[1]?.values;
      return one(x && reps && reps.length === x.length ? x.map((d, i) => (d === undefined ? undefined : d * reps[i]!)) : undefined);
    }
    case 'ConstantOfShape':
      return one(ins[0]?.values);
    case 'Pad': {
      const pads = attrInts(n, 'pads') ?? ins[1]?.values;
      return one(x && pads ? x.map((d, i) => (d === undefined ? undefined : d + pads[i]! + pads[i + x.length]!)) : undefined);
    }
    case 'Slice': {
      // Opset < 10 has starts, ends and axes as attributes.
      const [starts, ends] = [attrInts(n, 'starts') ?? ins[1]?.values, attrInts(n, 'ends') ?? ins[2]?.values];
      if (!x || !starts || !ends) return one(undefined);
      const axes = attrInts(n, 'axes') ?? ins[3]?.values ?? starts.map((_, i) => i);
      const steps = ins[4]?.values ?? starts.map(() => 1);
      const dims = [...x];
      axes.forEach((a0, j) => {
        const a = axis(a0, x.length);
        const d = x[a];
        if (d === undefined) return;
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
        dims[a] = Math.max(0, Math.ceil((clamp(ends[j]!) - clamp(starts[j]!)) / steps[j]!));
      });
      return one(dims);
    }
    case 'Resize':
    case 'Upsample': {
      const sizes = ins[3]?.values;
      const scales = ins[op === 'Upsample' ? 1 : 2]?.values;
      if (x && sizes && sizes.length === x.length) return one(sizes);
      return one(x && scales && scales.length === x.length ? x.map((d, i) => (d === undefined ? undefined : Math.floor(d * scales[i]!))) : undefined);
    }
    case 'Split': {
      const parts = attrInts(n, 'split') ?? ins[1]?.values;
      if (!x) return { outputs: n.outputs.map(() => ({})) };
      const a = axis(attrInt(n, 'axis', 0), x.length);
      return { outputs: n.outputs.map((_, j) => ({ dims: x.map((d, i) => (i !== a ? d : parts ? parts[j] : d === undefined ? undefined : Math.ceil(d / n.outputs.length))) })) };
    }
  }
  if (POOL.has(op)) {
    const k = attrInts(n, 'kernel_shape');
    return one(x && k ? [x[0], x[1], ...k.map((_, i) => window(n, x, k, i))] : undefined);
  }
  if (op.startsWith('Reduce') || op === 'ArgMax' || op === 'ArgMin') {
    if (!x) return one(undefined);
    const axes = attrInts(n, 'axes') ?? (op.startsWith('Arg') ? [attrInt(n, 'axis', 0)] : ins[1]?.values);
    const keep = attrInt(n, 'keepdims', 1) === 1;
    const reduced = new Set((axes && axes.length > 0 ? axes : x.map((_, i) => i)).map((a) => axis(a, x.length)));
    return one(keep ? x.map((d, i) => (reduced.has(i) ? 1 : d)) : x.filter((_, i) => !reduced.has(i)));
  }
  return { outputs: n.outputs.map(() => ({})) };
}

