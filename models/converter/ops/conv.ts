import type { ConvertContext, OpMapper } from '../convert-context.ts';
import type { TfNode } from '../tfjs-graph.ts';
import { applyFusedActivation, parseFusedOps } from './activation.ts';
import { paddingAttrs, requireNhwc, spatial, toNchw, toNhwc } from './layout.ts';

/**
 * TF filters are HWIO; ONNX wants OIHW. A depthwise filter [H, W, C, M] has
 * the same memory order as [H, W, 1, C*M], and output channel c*M+m of TF's
 * depthwise conv is output channel c*M+m of an ONNX Conv with group=C.
 */
function filterToOihw<T extends Float32Array | Uint16Array>(node: TfNode, filter: T, shape: readonly number[], depthwise: boolean) {
  if (shape.length !== 4) throw new Error(`node "${node.name}" (${node.op}): filter must be 4-D`);
  const [kh, kw, ci0, co0] = shape as [number, number, number, number];
  const [ci, co] = depthwise ? [1, ci0 * co0] : [ci0, co0];
  const out = filter.slice() as T;
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + h) * kw + w] = filter[((h * kw + w) * ci + i) * co + o] as number;
  return { data: out, dims: [co, ci, kh, kw], group: depthwise ? ci0 : 1 };
}

function convert(node: TfNode, ctx: ConvertContext, depthwise: boolean, fused: boolean): void {
  // Fused ops first: an unsupported activation is the most useful error.
  const { bias, activation } = fused ? parseFusedOps(ctx, node) : { bias: false, activation: undefined };
  requireNhwc(ctx, node);
  const a = ctx.attrs(node);
  const filter = ctx.requireConst(node, 1, 'filter');
  if (filter.dtype !== 'float32') throw new Error(`node "${node.name}" (${node.op}): filter must be float32`);
  const w = filterToOihw(node, filter.data as Float32Array, filter.shape, depthwise);
  const w16 = filter.float16 && filterToOihw(node, filter.float16, filter.shape, depthwise).data;
  const inputs = [toNchw(ctx, ctx.input(node, 0), node), ctx.floatWeight(`${node.name}/filter_oihw`, w.dims, w.data, w16)];
  if (bias) inputs.push(ctx.input(node, 2));
  const conv = ctx.b.op(
    'Conv',
    inputs,
    {
      ...paddingAttrs(ctx, node),
      dilations: spatial(a.ints('dilations', [1, 1, 1, 1]), node, 'dilations'),
      group: w.group,
      kernel_shape: [w.dims[2] as number, w.dims[3] as number],
      strides: spatial(a.ints('strides'), node, 'strides'),
    },
    node.name,
  );
  const y = applyFusedActivation(ctx, node, toNhwc(ctx, conv, node), activation, () => ctx.input(node, bias ? 3 : 2));
  ctx.setOutput(node, y);
}

export const conv2d: OpMapper = (node, ctx) => convert(node, ctx, false, false);
export const fusedConv2d: OpMapper = (node, ctx) => convert(node, ctx, false, true);
export const depthwiseConv2d: OpMapper = (node, ctx) => convert(node, ctx, true, false);
export const fusedDepthwiseConv2d: OpMapper = (node, ctx) => convert(node, ctx, true, true);
