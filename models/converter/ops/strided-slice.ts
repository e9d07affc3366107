import type { ConvertContext, OpMapper } from '../convert-context.ts';
import type { TfNode } from '../tfjs-graph.ts';

// Slice clamps out-of-range bounds, so these stand for "to the very end".
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

const bit = (mask: number, i: number) => (mask & (1 << i)) !== 0;

/**
 * StridedSlice -> Slice (+ Squeeze for shrink_axis_mask). begin/end masks
 * become open bounds. Ellipsis and new-axis masks are not needed by the
 * models we convert, and are rejected rather than guessed at.
 */
export const stridedSlice: OpMapper = (node, ctx) => {
  const a = ctx.attrs(node);
  const begin = ctx.constInts(node, 1, 'begin');
  const end = ctx.constInts(node, 2, 'end');
  const strides = ctx.constInts(node, 3, 'strides');
  const [beginMask, endMask, shrink] = ['begin_mask', 'end_mask', 'shrink_axis_mask'].map((k) => a.int(k, 0)) as [number, number, number];
  if (a.int('ellipsis_mask', 0) !== 0 || a.int('new_axis_mask', 0) !== 0) {
    throw new Error(`node "${node.name}" (StridedSlice): ellipsis_mask/new_axis_mask are not supported`);
  }
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  const squeezeAxes: number[] = [];
  begin.forEach((b, i) => {
    const step = strides[i] ?? 1;
    if (bit(shrink, i)) {
      // A shrunk axis takes exactly element b (b = -1 means the last one).
      starts.push(BigInt(b));
      ends.push(b === -1 ? INT64_MAX : BigInt(b + 1));
      squeezeAxes.push(i);
      return;
    }
    starts.push(bit(beginMask, i) ? (step > 0 ? 0n : INT64_MAX) : BigInt(b));
    ends.push(bit(endMask, i) ? (step > 0 ? INT64_MAX : INT64_MIN) : BigInt(end[i] ?? 0));
  });
  const axes = begin.map((_, i) => i);
  const steps = begin.map((_, i) => (bit(shrink, i) ? 1 : (strides[i] ?? 1)));
  const sliced = ctx.b.op(
    'Slice',
    [
      ctx.input(node, 0),
      ctx.b.constInt64(`${node.name}/starts`, starts),
      ctx.b.constInt64(`${node.name}/ends`, ends),
      ctx.b.constInt64(`${node.name}/axes`, axes),
      ctx.b.constInt64(`${node.name}/steps`, steps),
    ],
    {},
    squeezeAxes.length ? `${node.name}/slice` : node.name,
  );
  ctx.setOutput(node, squeezeAxes.length ? squeeze(ctx, node, sliced, squeezeAxes) : sliced);
};

function squeeze(ctx: ConvertContext, node: TfNode, x: string, axes: number[]): string {
  return ctx.b.op('Squeeze', [x, ctx.b.constInt64(`${node.name}/squeeze_axes`, axes)], {}, node.name);
}

/** Slice(begin, size) with size -1 meaning "to the end". */
export const slice: OpMapper = (node, ctx) => {
  const begin = ctx.constInts(node, 1, 'begin');
  const size = ctx.constInts(node, 2, 'size');
  const ends = begin.map((b, i) => ((size[i] ?? -1) < 0 ? INT64_MAX : BigInt(b + (size[i] ?? 0))));
  const y = ctx.b.op(
    'Slice',
    [ctx.input(node, 0), ctx.b.constInt64(`${node.name}/starts`, begin), ctx.b.constInt64(`${node.name}/ends`, ends)],
    {},
    node.name,
  );
  ctx.setOutput(node, y);
};
