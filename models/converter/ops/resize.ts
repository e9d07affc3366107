import type { ConvertContext, OpMapper } from '../convert-context.ts';
import { OnnxDataType } from '../onnx-types.ts';
import type { TfNode } from '../tfjs-graph.ts';
import { toNchw, toNhwc } from './layout.ts';

/**
 * Coordinate transform per TF flags. align_corners=false with
 * half_pixel_centers=false (the TF1 default CenterNet uses) is 'asymmetric':
 * x_in = x_out * in / out.
 */
function transformMode(alignCorners: boolean, halfPixel: boolean, nearest: boolean): string {
  if (alignCorners) return 'align_corners';
  if (halfPixel) return nearest ? 'tf_half_pixel_for_nn' : 'half_pixel';
  return 'asymmetric';
}

/** Resize's `sizes` is 4-D in opset 17: [N, C] from the input, then TF's [h, w]. */
function sizesInput(node: TfNode, ctx: ConvertContext, xNchw: string): string {
  const nc = ctx.b.op('Shape', [xNchw], { end: 2, start: 0 }, `${node.name}/nc`);
  const size = ctx.constInput(node, 1);
  const hw = size
    ? ctx.b.constInt64(`${node.name}/hw`, Array.from(size.data))
    : ctx.b.op('Cast', [ctx.input(node, 1)], { to: OnnxDataType.INT64 }, `${node.name}/hw`);
  return ctx.b.op('Concat', [nc, hw], { axis: 0 }, `${node.name}/sizes`);
}

function resize(node: TfNode, ctx: ConvertContext, nearest: boolean): void {
  const a = ctx.attrs(node);
  const alignCorners = a.bool('align_corners', false);
  const halfPixel = a.bool('half_pixel_centers', false);
  const x = toNchw(ctx, ctx.input(node, 0), node);
  const attrs = {
    coordinate_transformation_mode: transformMode(alignCorners, halfPixel, nearest),
    mode: nearest ? 'nearest' : 'linear',
    ...(nearest ? { nearest_mode: alignCorners ? 'round_prefer_ceil' : 'floor' } : {}),
  };
  const y = ctx.b.op('Resize', [x, '', '', sizesInput(node, ctx, x)], attrs, node.name);
  ctx.setOutput(node, toNhwc(ctx, y, node));
}

export const resizeBilinear: OpMapper = (node, ctx) => resize(node, ctx, false);
export const resizeNearest: OpMapper = (node, ctx) => resize(node, ctx, true);
