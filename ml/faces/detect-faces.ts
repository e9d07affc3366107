import { letterbox } from '../image/letterbox.ts';
import type { RgbaImage } from '../image/rgba-image.ts';
import { nonMaxSuppression } from '../detect/non-max-suppression.ts';
import type { Float32TensorCtor, OrtSession } from '../ocr/ocr-runtime.ts';
import type { Box } from '../detect/detection.ts';
import type { Point } from '../image/crop-quad.ts';
import { blazefaceAnchors } from './blazeface-anchors.ts';
import type { FaceBox } from './face.ts';

/** The converted BlazeFace's tensors (models/manifest.json, blazeface-back). */
export const BLAZEFACE_IO = {
  inputName: 'input',
  inputSize: 256,
  /** Scores then box + keypoint rows, first the 512 stride-16 anchors, then the 384 stride-32 ones. */
  outputs: [
    ['Identity', 'Identity_2'],
    ['Identity_1', 'Identity_3'],
  ],
  strides: [16, 32],
  perCell: [2, 6],
  keypoints: 6,
} as const;

export interface FaceDetectOptions {
  readonly minScore: number;
  readonly iouThreshold: number;
  readonly maxResults: number;
}

const ROW = 16; // cx, cy, w, h offsets then 6 keypoints x 2

let anchorCache: Float32Array | undefined;

/**
 * Letterbox to 256 (pad black, as Human pads before normalising), values to
 * -1..1, run, decode the 896 anchors, NMS. Boxes and landmarks come back in
 * the image's pixels, best first.
 */
export async function detectFaces(
  image: RgbaImage,
  session: OrtSession,
  Tensor: Float32TensorCtor,
  options: FaceDetectOptions,
): Promise<FaceBox[]> {
  const size = BLAZEFACE_IO.inputSize;
  const lb = letterbox(image, size);
  const input = lb.data;
  for (let i = 0; i < input.length; i++) input[i] = (input[i] as number) / 127.5 - 1;
  const out = await session.run({ [BLAZEFACE_IO.inputName]: new Tensor('float32', input, [1, size, size, 3]) });
  anchorCache ??= blazefaceAnchors(size, BLAZEFACE_IO.strides, BLAZEFACE_IO.perCell);
  const anchors = anchorCache;
  const toImage = ([x, y]: Point): Point => [(x - lb.padX) / lb.scale, (y - lb.padY) / lb.scale];
  const found: FaceBox[] = [];
  let anchor = 0;
  for (const [scoreName, rowName] of BLAZEFACE_IO.outputs) {
    const scores = out[scoreName]?.data;
    const rows = out[rowName]?.data;
    if (!(scores instanceof Float32Array) || !(rows instanceof Float32Array) || rows.length !== scores.length * ROW) {
      throw new Error(`face detector: output ${scoreName}/${rowName} missing or not float32`);
    }
    for (let i = 0; i < scores.length; i++, anchor++) {
      const score = 1 / (1 + Math.exp(-(scores[i] as number)));
      if (score < options.minScore) continue;
      const r = i * ROW;
      const ax = anchors[anchor * 2] as number;
      const ay = anchors[anchor * 2 + 1] as number;
      const cx = (rows[r] as number) + ax;
      const cy = (rows[r + 1] as number) + ay;
      const hw = (rows[r + 2] as number) / 2;
      const hh = (rows[r + 3] as number) / 2;
      const [x1, y1] = toImage([cx - hw, cy - hh]);
      const [x2, y2] = toImage([cx + hw, cy + hh]);
      const box: Box = [clamp(x1, image.width), clamp(y1, image.height), clamp(x2, image.width), clamp(y2, image.height)];
      const landmarks: Point[] = [];
      for (let k = 0; k < BLAZEFACE_IO.keypoints; k++) {
        landmarks.push(toImage([(rows[r + 4 + k * 2] as number) + ax, (rows[r + 5 + k * 2] as number) + ay]));
      }
      if (box[2] - box[0] >= 1 && box[3] - box[1] >= 1) found.push({ box, score, landmarks });
    }
  }
  return nonMaxSuppression(found, options.iouThreshold, options.maxResults);
}

function clamp(v: number, max: number): number {
  return Math.min(Math.max(v, 0), max);
}
