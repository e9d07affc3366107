import type { RgbaImage } from '../image/rgba-image.ts';
import type { Float32TensorCtor, OrtSession } from '../ocr/ocr-runtime.ts';

/** The converted FaceRes's tensors (models/manifest.json, faceres). */
export const FACERES_IO = { inputName: 'input_1', outputName: 'global_pooling/Mean', inputSize: 224, dims: 1024 } as const;

/**
 * One aligned face (FACERES_IO.inputSize square) -> unit-length descriptor.
 * FaceRes takes RGB 0..255 NHWC, as Human feeds it (src/face/faceres.ts).
 * Unit length makes the grouping's similarity a plain dot product.
 */
export async function embedFace(face: RgbaImage, session: OrtSession, Tensor: Float32TensorCtor): Promise<Float32Array> {
  const n = FACERES_IO.inputSize;
  if (face.width !== n || face.height !== n) throw new Error(`face embedder: input must be ${n}x${n}, got ${face.width}x${face.height}`);
  const input = new Float32Array(n * n * 3);
  for (let p = 0; p < n * n; p++) {
    input[p * 3] = face.data[p * 4] as number;
    input[p * 3 + 1] = face.data[p * 4 + 1] as number;
    input[p * 3 + 2] = face.data[p * 4 + 2] as number;
  }
  const out = await session.run({ [FACERES_IO.inputName]: new Tensor('float32', input, [1, n, n, 3]) });
  const data = out[FACERES_IO.outputName]?.data;
  if (!(data instanceof Float32Array) || data.length !== FACERES_IO.dims) {
    throw new Error(`face embedder: output ${FACERES_IO.outputName} missing or not ${FACERES_IO.dims} floats`);
  }
  return unitLength(data);
}

export function unitLength(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (!(norm > 0)) throw new Error('face embedder: zero or invalid descriptor');
  return Float32Array.from(v, (x) => x / norm);
}
