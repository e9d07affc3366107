import type { ConvertContext, OpMapper } from '../convert-context.ts';
import type { TfNode } from '../tfjs-graph.ts';
import { paddingAttrs, requireNhwc, spatial, toNchw, toNhwc } from './layout.ts';

function pool(onnxOp: 'MaxPool' | 'AveragePool', node: TfNode, ctx: ConvertContext): void {
  requireNhwc(ctx, node);
  const a = ctx.attrs(node);
  // TF's SAME average pool divides by the number of real pixels, which is
  // ONNX's default count_include_pad=0; MaxPool ignores padding in both.
  const y = ctx.b.op(
    onnxOp,
    [toNchw(ctx, ctx.input(node, 0), node)],
    {
      ...paddingAttrs(ctx, node),
      kernel_shape: spatial(a.ints('ksize'), node, 'ksize'),
      strides: spatial(a.ints('strides'), node, 'strides'),
    },
    node.name,
  );
  ctx.setOutput(node, toNhwc(ctx, y, node));
}

export const maxPool: OpMapper = (node, ctx) => pool('MaxPool', node, ctx);
export const avgPool: OpMapper = (node, ctx) => pool('AveragePool', node, ctx);
