import { resizeImage } from './resize-image.ts';
import type { RgbaImage } from './rgba-image.ts';

/** How a letterboxed input relates to the original image. */
export interface Letterbox {
  /** size x size x 3 RGB floats 0..255, NHWC. */
  readonly data: Float32Array;
  readonly size: number;
  /** Input pixels per original pixel. */
  readonly scale: number;
  /** Padding on the left and top, in input pixels. */
  readonly padX: number;
  readonly padY: number;
}

/**
 * Scales an image to fit a size x size square keeping its aspect ratio and
 * pads the rest with `padValue`, centred. Stretching instead changes the
 * detector's answers (ARCHITECTURE §5: a stretched cat became a dog).
 *
 * Note: the resize is ./resize-image.ts (bilinear, area averaging when
 * shrinking 2x or more), so a 12-megapixel photo does not alias into noise.
 */
export function letterbox(image: RgbaImage, size: number, padValue = 0): Letterbox {
  const { width: w, height: h } = image;
  if (w <= 0 || h <= 0 || image.data.length < w * h * 4) throw new Error(`letterbox: bad image ${w}x${h}`);
  const scale = Math.min(size / w, size / h);
  const nw = Math.max(1, Math.round(w * scale));
  const nh = Math.max(1, Math.round(h * scale));
  const padX = Math.floor((size - nw) / 2);
  const padY = Math.floor((size - nh) / 2);
  const out = new Float32Array(size * size * 3).fill(padValue);
  const small = resizeImage(image, nw, nh).data;
  for (let y = 0; y < nh; y++) {
    for (let x = 0; x < nw; x++) {
      const i = (y * nw + x) * 4;
      const o = ((y + padY) * size + (x + padX)) * 3;
      out[o] = small[i] as number;
      out[o + 1] = small[i + 1] as number;
      out[o + 2] = small[i + 2] as number;
    }
  }
  return { data: out, size, scale: nw / w, padX, padY };
}

/** Maps a box in letterboxed input pixels back to original image pixels, clamped. */
export function unletterboxBox(
  box: readonly [number, number, number, number],
  lb: Pick<Letterbox, 'scale' | 'padX' | 'padY'>,
  width: number,
  height: number,
): [number, number, number, number] {
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return [
    clamp((box[0] - lb.padX) / lb.scale, width),
    clamp((box[1] - lb.padY) / lb.scale, height),
    clamp((box[2] - lb.padX) / lb.scale, width),
    clamp((box[3] - lb.padY) / lb.scale, height),
  ];
}
