import type { AttrValue } from '../onnx-builder.ts';
import type { ConvertContext } from '../convert-context.ts';
import type { TfNode } from '../tfjs-graph.ts';

/**
 * Note: the converted graph keeps TF's NHWC layout everywhere and only
 * switches to NCHW around the ops ONNX defines on NCHW (Conv, pools, Resize).
 * ORT's transpose optimizer cancels most of these pairs at session creation,
 * and keeping NHWC means every other op (axes, concat, slices) maps 1:1.
 */
export function toNchw(ctx: ConvertContext, x: string, node: TfNode): string {
  return ctx.b.op('Transpose', [x], { perm: [0, 3, 1, 2] }, `${node.name}/to_nchw`);
}

export function toNhwc(ctx: ConvertContext, x: string, node: TfNode): string {
  return ctx.b.op('Transpose', [x], { perm: [0, 2, 3, 1] }, `${node.name}/to_nhwc`);
}

export function requireNhwc(ctx: ConvertContext, node: TfNode): void {
  const format = ctx.attrs(node).string('data_format', 'NHWC');
  if (format !== 'NHWC') throw new Error(`node "${node.name}" (${node.op}): data_format ${format} is not supported`);
}

/** [1, h, w, 1]-style TF attribute list -> [h, w]. */
export function spatial(values: readonly number[], node: TfNode, attr: string): number[] {
  if (values.length !== 4) throw new Error(`node "${node.name}" (${node.op}): ${attr} must have 4 entries`);
  return [values[1] as number, values[2] as number];
}

/** TF padding -> ONNX: SAME puts the odd pixel at the end, which is SAME_UPPER. */
export function paddingAttrs(ctx: ConvertContext, node: TfNode): Record<string, AttrValue> {
  const a = ctx.attrs(node);
  const padding = a.string('padding');
  if (padding === 'SAME') return { auto_pad: 'SAME_UPPER' };
  if (padding === 'VALID') return { pads: [0, 0, 0, 0] };
  if (padding === 'EXPLICIT') {
    // explicit_paddings is [n0, n1, h0, h1, w0, w1, c0, c1] for NHWC.
    const p = a.ints('explicit_paddings');
    if (p.length !== 8) throw new Error(`node "${node.name}" (${node.op}): explicit_paddings must have 8 entries`);
    return { pads: [p[2] as number, p[4] as number, p[3] as number, p[5] as number] };
  }
  throw new Error(`node "${node.name}" (${node.op}): padding ${padding} is not supported`);
}
