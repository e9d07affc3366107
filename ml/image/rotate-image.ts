import { createRgbaImage, type RgbaImage } from './rgba-image.ts';

/** Clockwise quarter turns. */
export type Rotation = 90 | 180 | 270;

/**
 * Rotate by a multiple of 90 degrees clockwise (exact, no resampling).
 * OCR uses 180 for upside-down lines (angle classifier) and 270 for tall text
 * crops, which PaddleOCR turns counter-clockwise before recognition.
 */
export function rotateImage(src: RgbaImage, degrees: Rotation): RgbaImage {
  const { width: w, height: h } = src;
  const swap = degrees !== 180;
  const out = createRgbaImage(swap ? h : w, swap ? w : h);
  // Move whole pixels as 32-bit words; a view needs 4-byte alignment, which a
  // subarray of a pooled Node Buffer may lack, so copy in that rare case.
  const bytes = src.data.byteOffset % 4 === 0 ? src.data : new Uint8ClampedArray(src.data);
  const s32 = new Uint32Array(bytes.buffer, bytes.byteOffset, w * h);
  const d32 = new Uint32Array(out.data.buffer, out.data.byteOffset, w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = s32[y * w + x]!;
      if (degrees === 180) d32[(h - 1 - y) * w + (w - 1 - x)] = v;
      // Clockwise: source (x, y) lands at column h-1-y, row x (output width h).
      else if (degrees === 90) d32[x * h + (h - 1 - y)] = v;
      else d32[(w - 1 - x) * h + y] = v;
    }
  }
  return out;
}
