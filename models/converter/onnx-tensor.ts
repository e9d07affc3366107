import { OnnxDataType, type OnnxTensor } from './onnx-types.ts';

/** Element data accepted for an initializer, matched to its ONNX type. */
export type OnnxTensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array;

const BYTES_PER_ELEMENT: Record<OnnxDataType, number> = {
  [OnnxDataType.FLOAT]: 4,
  [OnnxDataType.UINT8]: 1,
  [OnnxDataType.INT8]: 1,
  [OnnxDataType.INT32]: 4,
  [OnnxDataType.INT64]: 8,
  [OnnxDataType.BOOL]: 1,
  [OnnxDataType.FLOAT16]: 2,
};

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Builds a TensorProto with `raw_data`. ONNX defines raw_data as little
 * endian; every platform we run on is, and we refuse to write garbage on one
 * that is not rather than silently byte-swap wrongly.
 */
export function onnxTensor(name: string, dataType: OnnxDataType, dims: readonly number[], data: OnnxTensorData): OnnxTensor {
  if (!isLittleEndian) throw new Error('onnxTensor: big-endian hosts are not supported');
  const count = dims.reduce((a, b) => a * b, 1);
  const bytes = BYTES_PER_ELEMENT[dataType];
  if (data.byteLength !== count * bytes) {
    throw new Error(`onnxTensor ${name}: ${data.byteLength} bytes for dims [${dims.join(',')}] of type ${dataType}`);
  }
  // Copy so later mutation of the caller's array cannot change the model.
  const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { name, dataType, dims: [...dims], rawData };
}

/** Decodes an IEEE half-precision float (as stored by TF.js) to a number. */
export function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
