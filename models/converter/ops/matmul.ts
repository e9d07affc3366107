import type { OpMapper } from '../convert-context.ts';
import type { ConvertContext } from '../convert-context.ts';
import type { TfNode } from '../tfjs-graph.ts';
import { applyFusedActivation, parseFusedOps } from './activation.ts';

function operand(ctx: ConvertContext, node: TfNode, index: number, transposed: boolean): string {
  const x = ctx.input(node, index);
  return transposed ? ctx.b.op('Transpose', [x], { perm: [1, 0] }, `${node.name}/t${index}`) : x;
}

function matmul(node: TfNode, ctx: ConvertContext, fused: boolean): void {
  const a = ctx.attrs(node);
  const lhs = operand(ctx, node, 0, a.bool('transpose_a', false));
  const rhs = operand(ctx, node, 1, a.bool('transpose_b', false));
  let y = ctx.b.op('MatMul', [lhs, rhs], {}, fused ? `${node.name}/matmul` : node.name);
  if (!fused) return ctx.setOutput(node, y);
  const { bias, activation } = parseFusedOps(ctx, node);
  if (bias) y = ctx.b.op('Add', [y, ctx.input(node, 2)], {}, `${node.name}/bias`);
  ctx.setOutput(node, applyFusedActivation(ctx, node, y, activation, () => ctx.input(node, bias ? 3 : 2)));
}

export const matMul: OpMapper = (node, ctx) => matmul(node, ctx, false);
export const fusedMatMul: OpMapper = (node, ctx) => matmul(node, ctx, true);
