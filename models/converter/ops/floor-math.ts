import type { ConvertContext, OpMapper } from '../convert-context.ts';
import type { TfNode } from '../tfjs-graph.ts';

const isInteger = (ctx: ConvertContext, node: TfNode) => ctx.attrs(node).type('T', 'DT_FLOAT') !== 'DT_FLOAT';

/**
 * floor(a / b). ONNX integer Div truncates toward zero, which differs for
 * negative quotients, so for integers use (a - floormod(a, b)) / b: the
 * numerator is an exact multiple of b, so truncation no longer matters.
 */
export const floorDiv: OpMapper = (node, ctx) => {
  const a = ctx.input(node, 0);
  const b = ctx.input(node, 1);
  if (isInteger(ctx, node)) {
    const mod = ctx.b.op('Mod', [a, b], { fmod: 0 }, `${node.name}/mod`);
    const exact = ctx.b.op('Sub', [a, mod], {}, `${node.name}/sub`);
    ctx.setOutput(node, ctx.b.op('Div', [exact, b], {}, node.name));
    return;
  }
  const q = ctx.b.op('Div', [a, b], {}, `${node.name}/div`);
  ctx.setOutput(node, ctx.b.op('Floor', [q], {}, node.name));
};

/**
 * a - floor(a / b) * b. Integer Mod with fmod=0 already takes the divisor's
 * sign (Python semantics, like TF FloorMod); float Mod requires fmod=1, which
 * is C fmod, so floats use the formula.
 */
export const floorMod: OpMapper = (node, ctx) => {
  const a = ctx.input(node, 0);
  const b = ctx.input(node, 1);
  if (isInteger(ctx, node)) {
    ctx.setOutput(node, ctx.b.op('Mod', [a, b], { fmod: 0 }, node.name));
    return;
  }
  const q = ctx.b.op('Floor', [ctx.b.op('Div', [a, b], {}, `${node.name}/div`)], {}, `${node.name}/floor`);
  const prod = ctx.b.op('Mul', [q, b], {}, `${node.name}/mul`);
  ctx.setOutput(node, ctx.b.op('Sub', [a, prod], {}, node.name));
};
