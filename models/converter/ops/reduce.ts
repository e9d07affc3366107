import type { OpMapper } from '../convert-context.ts';
import type { TfNode } from '../tfjs-graph.ts';
import type { ConvertContext } from '../convert-context.ts';

function axesOf(node: TfNode, ctx: ConvertContext): number[] {
  return ctx.constInts(node, 1, 'reduction_indices');
}

/**
 * Mean/Max/Min/Prod take axes as an attribute in opset 17; Sum takes them as
 * an int64 input (changed in opset 13). keep_dims maps to keepdims.
 */
function attributeReduce(onnxOp: string): OpMapper {
  return (node, ctx) => {
    const keepdims = ctx.attrs(node).bool('keep_dims', false) ? 1 : 0;
    const y = ctx.b.op(onnxOp, [ctx.input(node, 0)], { axes: axesOf(node, ctx), keepdims }, node.name);
    ctx.setOutput(node, y);
  };
}

export const mean = attributeReduce('ReduceMean');
export const reduceMax = attributeReduce('ReduceMax');
export const reduceMin = attributeReduce('ReduceMin');
export const reduceProd = attributeReduce('ReduceProd');

export const sum: OpMapper = (node, ctx) => {
  const keepdims = ctx.attrs(node).bool('keep_dims', false) ? 1 : 0;
  const axes = ctx.b.constInt64(`${node.name}/axes`, axesOf(node, ctx));
  ctx.setOutput(node, ctx.b.op('ReduceSum', [ctx.input(node, 0), axes], { keepdims }, node.name));
};
