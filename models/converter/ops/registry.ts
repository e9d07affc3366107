import type { OpMapper } from '../convert-context.ts';
import { conv2d, depthwiseConv2d, fusedConv2d, fusedDepthwiseConv2d } from './conv.ts';
import { cast, elementwiseOps, leakyRelu, relu6Op, rsqrt, sameInputsMapper, softmax, square, squaredDifference } from './elementwise.ts';
import { floorDiv, floorMod } from './floor-math.ts';
import { gatherV2, topKV2 } from './gather.ts';
import { fusedMatMul, matMul } from './matmul.ts';
import { avgPool, maxPool } from './pool.ts';
import { mean, reduceMax, reduceMin, reduceProd, sum } from './reduce.ts';
import { resizeBilinear, resizeNearest } from './resize.ts';
import { clipByValue, concatV2, expandDims, mirrorPad, pack, padOp, reshape, shapeOp, squeeze, transpose } from './shape.ts';
import { sparseToDense, splitV } from './split.ts';
import { slice, stridedSlice } from './strided-slice.ts';

/** Every TF op the converter knows, by TF op name. */
export const OP_MAPPERS: ReadonlyMap<string, OpMapper> = new Map<string, OpMapper>([
  ...elementwiseOps.map((op) => [op, sameInputsMapper(op) as OpMapper] as const),
  ['Conv2D', conv2d],
  ['_FusedConv2D', fusedConv2d],
  ['DepthwiseConv2dNative', depthwiseConv2d],
  ['FusedDepthwiseConv2dNative', fusedDepthwiseConv2d],
  ['MaxPool', maxPool],
  ['AvgPool', avgPool],
  ['Relu6', relu6Op],
  ['LeakyRelu', leakyRelu],
  ['Rsqrt', rsqrt],
  ['Square', square],
  ['SquaredDifference', squaredDifference],
  ['Softmax', softmax],
  ['Cast', cast],
  ['FloorDiv', floorDiv],
  ['FloorMod', floorMod],
  ['Mean', mean],
  ['Max', reduceMax],
  ['Min', reduceMin],
  ['Prod', reduceProd],
  ['Sum', sum],
  ['ResizeBilinear', resizeBilinear],
  ['ResizeNearestNeighbor', resizeNearest],
  ['Reshape', reshape],
  ['ExpandDims', expandDims],
  ['Squeeze', squeeze],
  ['ConcatV2', concatV2],
  ['Pack', pack],
  ['Transpose', transpose],
  ['Pad', padOp],
  ['PadV2', padOp],
  ['MirrorPad', mirrorPad],
  ['Shape', shapeOp],
  ['ClipByValue', clipByValue],
  ['StridedSlice', stridedSlice],
  ['Slice', slice],
  ['GatherV2', gatherV2],
  ['TopKV2', topKV2],
  ['SplitV', splitV],
  ['SparseToDense', sparseToDense],
  ['MatMul', matMul],
  ['_FusedMatMul', fusedMatMul],
]);
