import type { OpMapper } from '../convert-context.ts';
import { OnnxDataType } from '../onnx-types.ts';

export const gatherV2: OpMapper = (node, ctx) => {
  if (ctx.attrs(node).int('batch_dims', 0) !== 0) {
    throw new Error(`node "${node.name}" (GatherV2): batch_dims other than 0 is not supported`);
  }
  const [axis] = ctx.constInts(node, 2, 'axis');
  // ONNX Gather accepts int32 indices, so TF's int32 indices pass through.
  ctx.setOutput(node, ctx.b.op('Gather', [ctx.input(node, 0), ctx.input(node, 1)], { axis: axis ?? 0 }, node.name));
};

/**
 * TopKV2 -> TopK over the last axis. ONNX wants k as int64 [1] and returns
 * int64 indices; TF returns int32, and later int32 arithmetic (FloorDiv on
 * the indices in CenterNet) needs matching types, so the indices are cast.
 */
export const topKV2: OpMapper = (node, ctx) => {
  const [k] = ctx.constInts(node, 1, 'k');
  const kInput = ctx.b.constInt64(`${node.name}/k`, [k ?? 1]);
  const sorted = ctx.attrs(node).bool('sorted', true) ? 1 : 0;
  const [values, indices] = ctx.b.node('TopK', [ctx.input(node, 0), kInput], { axis: -1, largest: 1, sorted }, {
    name: node.name,
    outputs: [`${node.name}:0`, `${node.name}:1/int64`],
  }) as [string, string];
  ctx.setOutput(node, values, 0);
  ctx.setOutput(node, ctx.b.op('Cast', [indices], { to: OnnxDataType.INT32 }, `${node.name}/indices`), 1);
};
