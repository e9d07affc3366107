import { float16ToFloat32 } from './onnx-tensor.ts';
import type { TfWeightDtype, TfWeightGroup, TfWeightSpec } from './tfjs-graph.ts';

/** A constant tensor from the weights, dequantized to its original dtype. */
export interface TfConstTensor {
  readonly dtype: TfWeightDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
  /** The stored half floats, when the weight was float16-quantized. */
  readonly float16?: Uint16Array;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function storedBytes(spec: TfWeightSpec): number {
  const q = spec.quantization?.dtype;
  const per = q === 'uint8' ? 1 : q === 'float16' || q === 'uint16' ? 2 : spec.dtype === 'bool' ? 1 : 4;
  return count(spec.shape) * per;
}

function decodeOne(spec: TfWeightSpec, bytes: Uint8Array): TfConstTensor {
  const n = count(spec.shape);
  // Copy into an aligned buffer: weights sit at arbitrary offsets in a shard.
  const buf = bytes.slice().buffer;
  const q = spec.quantization;
  if (q && spec.dtype !== 'float32') throw new Error(`weight ${spec.name}: quantized ${spec.dtype} is not supported`);
  if (q?.dtype === 'float16') {
    const half = new Uint16Array(buf);
    return { dtype: 'float32', shape: spec.shape, data: Float32Array.from(half, float16ToFloat32), float16: half };
  }
  if (q) {
    // Affine quantization exactly as TF.js applies it: v * scale + min.
    const raw = q.dtype === 'uint8' ? new Uint8Array(buf) : new Uint16Array(buf);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (raw[i] as number) * q.scale + q.min;
    return { dtype: 'float32', shape: spec.shape, data };
  }
  if (spec.dtype === 'float32') return { dtype: 'float32', shape: spec.shape, data: new Float32Array(buf) };
  if (spec.dtype === 'int32') return { dtype: 'int32', shape: spec.shape, data: new Int32Array(buf) };
  return { dtype: 'bool', shape: spec.shape, data: new Uint8Array(buf) };
}

/**
 * Splits the weight shards of a TF.js graph model into named constant tensors.
 * `shards[g][p]` holds the bytes of `groups[g].paths[p]`; a group's shards
 * are one byte stream cut into files, so they are concatenated first.
 */
export function decodeWeights(
  groups: readonly TfWeightGroup[],
  shards: readonly (readonly Uint8Array[])[],
): Map<string, TfConstTensor> {
  const out = new Map<string, TfConstTensor>();
  groups.forEach((group, g) => {
    const parts = shards[g] ?? [];
    if (parts.length !== group.paths.length) throw new Error(`weights group ${g}: expected ${group.paths.length} shards`);
    const total = parts.reduce((a, p) => a + p.byteLength, 0);
    const stream = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      stream.set(p, at);
      at += p.byteLength;
    }
    let offset = 0;
    for (const spec of group.weights) {
      const size = storedBytes(spec);
      if (offset + size > total) throw new Error(`weight ${spec.name}: shard data ends early (${total} bytes)`);
      out.set(spec.name, decodeOne(spec, stream.subarray(offset, offset + size)));
      offset += size;
    }
  });
  return out;
}
