import { floatAttr } from '../onnx-builder.ts';
import type { ConvertContext } from '../convert-context.ts';
import type { TfNode } from '../tfjs-graph.ts';

/** Clip(0, 6): ONNX has no Relu6. Bounds are inputs since opset 11. */
export function relu6(ctx: ConvertContext, x: string, name: string): string {
  const lo = ctx.b.constFloat(`${name}/clip_min`, [0], []);
  const hi = ctx.b.constFloat(`${name}/clip_max`, [6], []);
  return ctx.b.op('Clip', [x, lo, hi], {}, name);
}

/**
 * Applies the activation fused into a TF op (_FusedConv2D, _FusedMatMul).
 * `alpha` is the extra input PRelu carries.
 */
export function applyFusedActivation(
  ctx: ConvertContext,
  node: TfNode,
  x: string,
  activation: string | undefined,
  alpha: () => string,
): string {
  const name = `${node.name}/${activation ?? 'none'}`;
  switch (activation) {
    case undefined:
      return x;
    case 'Relu':
      return ctx.b.op('Relu', [x], {}, name);
    case 'Relu6':
      return relu6(ctx, x, name);
    case 'Elu':
      return ctx.b.op('Elu', [x], {}, name);
    case 'Sigmoid':
      return ctx.b.op('Sigmoid', [x], {}, name);
    case 'Prelu':
      // alpha is [C]; NHWC puts C last, so numpy broadcasting lines it up.
      return ctx.b.op('PRelu', [x, alpha()], {}, name);
    case 'LeakyRelu':
      return ctx.b.op('LeakyRelu', [x], { alpha: floatAttr(ctx.attrs(node).float('leakyrelu_alpha', 0.2)) }, name);
    default:
      throw new Error(`Unsupported fused activation "${activation}" in op ${node.op} at node "${node.name}"`);
  }
}

const FUSABLE = new Set(['Relu', 'Relu6', 'Elu', 'Sigmoid', 'Prelu', 'LeakyRelu']);

/** Splits fused_ops into a BiasAdd flag and an optional activation. */
export function parseFusedOps(ctx: ConvertContext, node: TfNode): { bias: boolean; activation: string | undefined } {
  const ops = ctx.attrs(node).strings('fused_ops', []);
  const bias = ops[0] === 'BiasAdd';
  const rest = bias ? ops.slice(1) : ops;
  if (rest.length > 1 || (rest[0] !== undefined && !FUSABLE.has(rest[0]))) {
    throw new Error(`Unsupported fused_ops [${ops.join(', ')}] in op ${node.op} at node "${node.name}"`);
  }
  return { bias, activation: rest[0] };
}
