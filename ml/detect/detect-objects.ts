import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { letterbox } from '../image/letterbox.ts';
import type { RgbaImage } from '../image/rgba-image.ts';
import { decodeDetections } from './decode-detections.ts';
import type { Detection, DetectorModel } from './detection.ts';
import { nonMaxSuppression } from './non-max-suppression.ts';

/**
 * The runtime's Tensor class (onnxruntime-web's or onnxruntime-node's). It is
 * passed in rather than imported so this module runs unchanged on both.
 */
export type FloatTensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

export interface DetectOptions {
  readonly model: DetectorModel;
  readonly Tensor: FloatTensorConstructor;
  /** Default 0.2: obvious objects score 0.5-0.75 with this model. */
  readonly minScore?: number;
  /** Default 0.4. */
  readonly iouThreshold?: number;
  /** Default 10. */
  readonly maxResults?: number;
}

export const DETECT_DEFAULTS = { minScore: 0.2, iouThreshold: 0.4, maxResults: 10 } as const;

/**
 * Letterbox -> run -> decode -> class-agnostic NMS. Returns detections with
 * boxes in the original image's pixels, best first.
 *
 * Note: a new input tensor is made for every call. In proxy (worker) mode
 * onnxruntime-web transfers, and so detaches, the input buffer; reusing a
 * tensor across runs would send an empty buffer the second time.
 */
export async function detectObjects(
  image: RgbaImage,
  session: Pick<InferenceSession, 'run'>,
  options: DetectOptions,
): Promise<Detection[]> {
  const { model } = options;
  const lb = letterbox(image, model.inputSize);
  const input = new options.Tensor('float32', lb.data, [1, model.inputSize, model.inputSize, 3]);
  const outputs = await session.run({ [model.inputName]: input });
  const result = outputs[model.outputName];
  if (!result || result.type !== 'float32') throw new Error(`detector: output ${model.outputName} missing or not float32`);
  const candidates = decodeDetections(
    result.data as Float32Array,
    model,
    lb,
    image,
    options.minScore ?? DETECT_DEFAULTS.minScore,
  );
  return nonMaxSuppression(
    candidates,
    options.iouThreshold ?? DETECT_DEFAULTS.iouThreshold,
    options.maxResults ?? DETECT_DEFAULTS.maxResults,
  );
}
