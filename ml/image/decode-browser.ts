import { decodeError, type DecodeResult, type ImageDecoder } from './image-decoder.ts';
import { DEFAULT_MAX_INPUT_PIXELS, fitWithinPixels } from './fit-within-pixels.ts';
import { orientationSwapsAxes } from './jpeg-header.ts';
import { sniffImage } from './sniff.ts';

/**
 * Browser decoder (main thread or worker): createImageBitmap + OffscreenCanvas.
 *
 * Note: createImageBitmap can only downscale during decode if it is told the
 * output size up front, and it cannot report the input size without decoding,
 * so the size comes from our own header sniff. Resize options apply to the
 * oriented image (HTML spec: orientation is part of the bitmap's source), so
 * for EXIF orientations 5-8 width and height are swapped before fitting.
 * Chromium decodes JPEGs at a reduced scale when asked for a small bitmap;
 * other formats may still be decoded at full size internally, which is the
 * best the platform allows.
 */
export const decodeBrowser: ImageDecoder = async (bytes, opts): Promise<DecodeResult> => {
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) return sniffed;
  const maxInput = opts.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  if (sniffed.width * sniffed.height > maxInput) {
    return decodeError('E_IMAGE_TOO_LARGE', `${sniffed.width}x${sniffed.height} is more than ${maxInput} pixels`);
  }
  const swap = orientationSwapsAxes(sniffed.orientation);
  const originalWidth = swap ? sniffed.height : sniffed.width;
  const originalHeight = swap ? sniffed.width : sniffed.height;
  const target = fitWithinPixels(originalWidth, originalHeight, opts.maxPixels);
  const resize = target.width !== originalWidth || target.height !== originalHeight;

  let bitmap: ImageBitmap;
  try {
    // Copy into a fresh ArrayBuffer-backed array: Blob parts must not be shared memory.
    const blob = new Blob([new Uint8Array(bytes)], { type: sniffed.mime });
    bitmap = await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'default',
      ...(resize ? { resizeWidth: target.width, resizeHeight: target.height, resizeQuality: 'high' } : {}),
    });
  } catch (err: unknown) {
    return decodeError('E_IMAGE_CORRUPT', `${sniffed.format} could not be decoded: ${errorMessage(err)}`);
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return decodeError('E_IMAGE_TOO_LARGE', 'no 2D canvas context (out of memory?)');
    ctx.drawImage(bitmap, 0, 0);
    const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    // ImageData already has the RgbaImage shape.
    return {
      ok: true,
      image: { width: pixels.width, height: pixels.height, data: pixels.data },
      originalWidth,
      originalHeight,
    };
  } catch (err: unknown) {
    // Canvas allocation failures surface as RangeError / DOMException.
    return decodeError('E_IMAGE_TOO_LARGE', `could not rasterise ${bitmap.width}x${bitmap.height}: ${errorMessage(err)}`);
  } finally {
    bitmap.close();
  }
};

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
