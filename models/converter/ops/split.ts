import type { OpMapper } from '../convert-context.ts';
import { OnnxDataType } from '../onnx-types.ts';

/** SplitV -> Split with the sizes as an int64 input (opset 13+). TF's -1 ("the rest") needs the static shape, which the converter does not track. */
export const splitV: OpMapper = (node, ctx) => {
  const sizes = ctx.constInts(node, 1, 'size_splits');
  const [axis] = ctx.constInts(node, 2, 'split_dim');
  if (sizes.some((s) => s < 0)) throw new Error(`node "${node.name}" (SplitV): a size of -1 is not supported`);
  const split = ctx.b.constInt64(`${node.name}/split`, sizes);
  const outputs = ctx.b.node('Split', [ctx.input(node, 0), split], { axis: axis ?? 0 }, {
    name: node.name,
    outputs: sizes.map((_, i) => `${node.name}/part${i}`),
  });
  outputs.forEach((value, i) => ctx.setOutput(node, value, i));
};

/**
 * SparseToDense of constants, folded into an initializer. ONNX has no such op; TF exporters
 * (onnx-tf, as in NanoDet) emit it with constant inputs to build shapes, so a runtime form
 * is not needed and any non-constant input is rejected.
 */
export const sparseToDense: OpMapper = (node, ctx) => {
  const where = `node "${node.name}" (SparseToDense)`;
  const indices = ctx.requireConst(node, 0, 'sparse_indices');
  const shape = ctx.constInts(node, 1, 'output_shape');
  const values = ctx.requireConst(node, 2, 'sparse_values');
  const fill = ctx.requireConst(node, 3, 'default_value');
  if (indices.dtype !== 'int32') throw new Error(`${where}: sparse_indices must be int32`);
  if (values.dtype === 'bool' || values.dtype !== fill.dtype) throw new Error(`${where}: values and default must be both int32 or both float32`);
  const rank = shape.length;
  const count = indices.shape.length === 0 ? 1 : (indices.shape[0] as number);
  const perIndex = indices.shape.length < 2 ? 1 : (indices.shape[1] as number);
  if (perIndex !== rank) throw new Error(`${where}: indices of ${perIndex} coordinates for an output of rank ${rank}`);
  if (values.data.length !== 1 && values.data.length !== count) throw new Error(`${where}: ${values.data.length} values for ${count} indices`);
  const strides = shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const size = shape.reduce((a, b) => a * b, 1);
  const out = values.dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
  out.fill(fill.data[0] as number);
  for (let i = 0; i < count; i++) {
    let offset = 0;
    for (let k = 0; k < rank; k++) {
      const at = indices.data[i * rank + k] as number;
      if (at < 0 || at >= (shape[k] as number)) throw new Error(`${where}: index ${at} out of range on axis ${k}`);
      offset += at * (strides[k] as number);
    }
    out[offset] = values.data[values.data.length === 1 ? 0 : i] as number;
  }
  const type = values.dtype === 'float32' ? OnnxDataType.FLOAT : OnnxDataType.INT32;
  ctx.setOutput(node, ctx.b.initializer(`${node.name}/dense`, type, shape, out));
};
