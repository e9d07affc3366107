/**
 * Decoded pixels as 8-bit RGBA, row-major, not premultiplied.
 *
 * Note: this is deliberately the structural shape of the DOM's ImageData, so a
 * browser ImageData (from OffscreenCanvas.getImageData) is an RgbaImage without
 * a copy, and the Node decoder can produce one from sharp's raw output. The
 * object detector uses this exact shape too; keep it a plain type.
 */
export type RgbaImage = {
  width: number;
  height: number;
  data: Uint8ClampedArray;
};

/** A new all-zero (transparent black) image. */
export function createRgbaImage(width: number, height: number): RgbaImage {
  assertSize(width, height);
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

/** Wrap existing RGBA bytes, checking that the length matches the size. */
export function wrapRgba(width: number, height: number, data: Uint8ClampedArray): RgbaImage {
  assertSize(width, height);
  if (data.length !== width * height * 4) {
    throw new RangeError(`RGBA data has ${data.length} bytes, expected ${width * height * 4}`);
  }
  return { width, height, data };
}

function assertSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`invalid image size ${width}x${height}`);
  }
}
