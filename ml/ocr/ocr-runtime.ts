import type { InferenceSession, Tensor } from 'onnxruntime-common';

/**
 * What the OCR code needs from onnxruntime, passed in by the caller so the same
 * code runs with onnxruntime-web in a browser worker and onnxruntime-node in
 * tests and benchmarks. Only types come from onnxruntime-common; importing its
 * values here would pull a second copy of the runtime into the bundle.
 */
export type OrtSession = Pick<InferenceSession, 'run' | 'inputNames' | 'outputNames'>;

/** `ort.Tensor` from either runtime satisfies this. */
export type Float32TensorCtor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

export type OcrModels = {
  /** ch_PP-OCRv4_det_infer.onnx */
  det: OrtSession;
  /** ch_ppocr_mobile_v2.0_cls_infer.onnx; without it no line is flipped. */
  cls?: OrtSession;
  /** ch_PP-OCRv4_rec_infer.onnx */
  rec: OrtSession;
  /** Character table from parseRecKeys(ppocr_keys_v1.txt). */
  keys: readonly string[];
  Tensor: Float32TensorCtor;
};

/**
 * Run a single-input, single-output model on one float32 tensor.
 *
 * Note: a new Tensor per run, always: in proxy mode (wasm in a worker)
 * onnxruntime-web transfers and detaches the input buffer, so a reused tensor
 * would be empty the second time.
 */
export async function runFloat32(
  session: OrtSession,
  Tensor: Float32TensorCtor,
  data: Float32Array,
  dims: readonly number[],
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  if (inputName === undefined || outputName === undefined) throw new Error('model has no input or output');
  const result = await session.run({ [inputName]: new Tensor('float32', data, dims) });
  const out = result[outputName];
  if (!out || out.type !== 'float32') throw new Error(`model output ${outputName} is not float32`);
  // getData() would copy from GPU if needed; .data is fine for CPU/wasm tensors.
  return { data: out.data as Float32Array, dims: out.dims };
}
