import { resizeImage } from '../image/resize-image.ts';
import type { RgbaImage } from '../image/rgba-image.ts';
import { writeChwBgr, type Normalization } from './to-chw-tensor.ts';

/** ImageNet statistics, applied in BGR channel order as PaddleOCR does. */
const DET_NORM: Normalization = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

export type DetInput = {
  /** [1, 3, height, width] */
  data: Float32Array;
  width: number;
  height: number;
};

/**
 * Resize for the DB text detector: longest side at most maxSide, both sides
 * rounded to multiples of 32 (the network downsamples 32x and upsamples back,
 * so other sizes misalign its feature maps). Like PaddleOCR's
 * DetResizeForTest(limit_type='max'), small images are not enlarged.
 */
export function detPreprocess(img: RgbaImage, maxSide = 960): DetInput {
  const { width, height } = detInputSize(img.width, img.height, maxSide);
  const resized = resizeImage(img, width, height);
  const data = new Float32Array(3 * width * height);
  writeChwBgr(resized, data, 0, width, height, DET_NORM);
  return { data, width, height };
}

export function detInputSize(w: number, h: number, maxSide: number): { width: number; height: number } {
  const ratio = Math.min(1, maxSide / Math.max(w, h));
  const cap = Math.max(32, Math.floor(maxSide / 32) * 32);
  const round32 = (v: number): number => Math.min(cap, Math.max(32, Math.round((v * ratio) / 32) * 32));
  return { width: round32(w), height: round32(h) };
}
