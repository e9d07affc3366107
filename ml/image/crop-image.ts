import { createRgbaImage, type RgbaImage } from './rgba-image.ts';

export type Rect = { x: number; y: number; width: number; height: number };

/**
 * Copy an axis-aligned rectangle out of an image. The rectangle is rounded to
 * whole pixels and clipped to the image, so callers can pass boxes from a model
 * that overshoot the border; an empty intersection is an error, not a 0x0 image,
 * because RgbaImage has no empty form.
 */
export function cropImage(src: RgbaImage, rect: Rect): RgbaImage {
  const x0 = Math.max(0, Math.floor(rect.x));
  const y0 = Math.max(0, Math.floor(rect.y));
  const x1 = Math.min(src.width, Math.ceil(rect.x + rect.width));
  const y1 = Math.min(src.height, Math.ceil(rect.y + rect.height));
  if (x1 <= x0 || y1 <= y0) {
    throw new RangeError(`crop ${JSON.stringify(rect)} is outside the ${src.width}x${src.height} image`);
  }
  const out = createRgbaImage(x1 - x0, y1 - y0);
  const rowBytes = out.width * 4;
  for (let y = y0; y < y1; y++) {
    const from = (y * src.width + x0) * 4;
    out.data.set(src.data.subarray(from, from + rowBytes), (y - y0) * rowBytes);
  }
  return out;
}
