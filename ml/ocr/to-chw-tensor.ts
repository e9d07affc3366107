import type { RgbaImage } from '../image/rgba-image.ts';

export type Normalization = { mean: readonly [number, number, number]; std: readonly [number, number, number] };

/** (v/255 - 0.5) / 0.5: what the PP-OCR classifier and recognizer expect. */
export const HALF_NORM: Normalization = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/**
 * Write an image into a planar [3, planeHeight, planeWidth] float block at its
 * top-left, in BGR channel order, normalised per channel as
 * (v/255 - mean[c]) / std[c]. Pixels outside the image are left as they are
 * (PP-OCR pads with 0 after normalisation).
 *
 * Note: PaddleOCR reads images with cv2, so its models were trained on BGR
 * and the mean/std arrays are applied to channels in B, G, R order.
 * Transparent pixels are composited over white first: a transparent PNG of
 * black text would otherwise be black on black.
 */
export function writeChwBgr(
  img: RgbaImage,
  out: Float32Array,
  offset: number,
  planeWidth: number,
  planeHeight: number,
  norm: Normalization,
): void {
  if (img.width > planeWidth || img.height > planeHeight) throw new RangeError('image larger than tensor plane');
  const plane = planeWidth * planeHeight;
  const scale = norm.std.map((s) => 1 / (255 * s));
  const shift = norm.mean.map((m, c) => m / norm.std[c]!);
  const d = img.data;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 4;
      const a = d[i + 3]! / 255;
      const white = 255 * (1 - a);
      const at = offset + y * planeWidth + x;
      // Channel 0 = blue, 1 = green, 2 = red.
      out[at] = (d[i + 2]! * a + white) * scale[0]! - shift[0]!;
      out[at + plane] = (d[i + 1]! * a + white) * scale[1]! - shift[1]!;
      out[at + 2 * plane] = (d[i]! * a + white) * scale[2]! - shift[2]!;
    }
  }
}
