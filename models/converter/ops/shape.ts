import type { ConvertContext, OpMapper } from '../convert-context.ts';
import { OnnxDataType } from '../onnx-types.ts';
import type { TfNode } from '../tfjs-graph.ts';

/** An int64 value for input `index`: folded if constant, else a Cast. */
export function int64Input(node: TfNode, ctx: ConvertContext, index: number, what: string): string {
  const c = ctx.constInput(node, index);
  if (c) {
    if (c.dtype !== 'int32') throw new Error(`node "${node.name}" (${node.op}): ${what} must be int32`);
    return ctx.b.constInt64(`${node.name}/${what}`, Array.from(c.data), c.shape);
  }
  return ctx.b.op('Cast', [ctx.input(node, index)], { to: OnnxDataType.INT64 }, `${node.name}/${what}`);
}

export const reshape: OpMapper = (node, ctx) => {
  const shape = int64Input(node, ctx, 1, 'shape');
  ctx.setOutput(node, ctx.b.op('Reshape', [ctx.input(node, 0), shape], {}, node.name));
};

/** TF and ONNX both count a negative axis from the end of the output rank. */
export const expandDims: OpMapper = (node, ctx) => {
  const axes = ctx.b.constInt64(`${node.name}/axes`, ctx.constInts(node, 1, 'dim'));
  ctx.setOutput(node, ctx.b.op('Unsqueeze', [ctx.input(node, 0), axes], {}, node.name));
};

export const squeeze: OpMapper = (node, ctx) => {
  const dims = ctx.attrs(node).ints('squeeze_dims', []);
  const inputs = [ctx.input(node, 0)];
  if (dims.length > 0) inputs.push(ctx.b.constInt64(`${node.name}/axes`, dims));
  ctx.setOutput(node, ctx.b.op('Squeeze', inputs, {}, node.name));
};

/** ConcatV2's last input is the axis. */
export const concatV2: OpMapper = (node, ctx) => {
  const n = ctx.dataInputs(node).length - 1;
  const [axis] = ctx.constInts(node, n, 'axis');
  const inputs = Array.from({ length: n }, (_, i) => ctx.input(node, i));
  ctx.setOutput(node, ctx.b.op('Concat', inputs, { axis: axis ?? 0 }, node.name));
};

export const pack: OpMapper = (node, ctx) => {
  const axis = ctx.attrs(node).int('axis', 0);
  const axes = ctx.b.constInt64(`${node.name}/axes`, [axis]);
  const parts = ctx.dataInputs(node).map((_, i) =>
    ctx.b.op('Unsqueeze', [ctx.input(node, i), axes], {}, `${node.name}/unsqueeze_${i}`),
  );
  ctx.setOutput(node, ctx.b.op('Concat', parts, { axis }, node.name));
};

export const transpose: OpMapper = (node, ctx) => {
  const perm = ctx.constInts(node, 1, 'perm');
  ctx.setOutput(node, ctx.b.op('Transpose', [ctx.input(node, 0)], { perm }, node.name));
};

/** TF paddings are [[begin, end] per axis]; ONNX wants all begins then all ends. */
function pad(node: TfNode, ctx: ConvertContext, mode: string): void {
  const p = ctx.constInts(node, 1, 'paddings');
  const begins = p.filter((_, i) => i % 2 === 0);
  const ends = p.filter((_, i) => i % 2 === 1);
  const inputs = [ctx.input(node, 0), ctx.b.constInt64(`${node.name}/pads`, [...begins, ...ends])];
  if (node.op === 'PadV2') inputs.push(ctx.input(node, 2));
  ctx.setOutput(node, ctx.b.op('Pad', inputs, { mode }, node.name));
}

export const padOp: OpMapper = (node, ctx) => pad(node, ctx, 'constant');
export const mirrorPad: OpMapper = (node, ctx) => {
  const mode = ctx.attrs(node).string('mode');
  if (mode !== 'REFLECT') throw new Error(`node "${node.name}" (MirrorPad): mode ${mode} is not supported`);
  pad(node, ctx, 'reflect');
};

export const shapeOp: OpMapper = (node, ctx) => {
  const s = ctx.b.op('Shape', [ctx.input(node, 0)], {}, `${node.name}/int64`);
  const int32 = ctx.attrs(node).type('out_type', 'DT_INT32') === 'DT_INT32';
  ctx.setOutput(node, int32 ? ctx.b.op('Cast', [s], { to: OnnxDataType.INT32 }, node.name) : s);
};

/** Kept for graphs that clamp with ClipByValue. */
export const clipByValue: OpMapper = (node, ctx) => {
  const y = ctx.b.op('Clip', [ctx.input(node, 0), ctx.input(node, 1), ctx.input(node, 2)], {}, node.name);
  ctx.setOutput(node, y);
};

