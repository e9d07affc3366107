import sharp from 'sharp';
import { decodeError, type DecodeResult, type ImageDecoder } from './image-decoder.ts';
import { DEFAULT_MAX_INPUT_PIXELS, fitWithinPixels } from './fit-within-pixels.ts';
import { orientationSwapsAxes } from './jpeg-header.ts';
import { wrapRgba } from './rgba-image.ts';
import { sniffImage } from './sniff.ts';

/**
 * Node decoder (tests, benchmarks, any server-side tooling) built on sharp.
 *
 * Note: libvips streams the decode and, for JPEG, uses libjpeg's
 * shrink-on-load when a resize follows, so a 50 MP photo is never held as
 * full-size RGBA. `.rotate()` without an angle applies the EXIF orientation.
 * The sniff runs first so PDFs/SVGs/HEICs (which sharp could otherwise try)
 * get E_IMAGE_UNSUPPORTED, the same answer the browser decoder gives.
 */
export const decodeNode: ImageDecoder = async (bytes, opts): Promise<DecodeResult> => {
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) return sniffed;
  const maxInput = opts.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  if (sniffed.width * sniffed.height > maxInput) {
    return decodeError(
      'E_IMAGE_TOO_LARGE',
      `${sniffed.width}x${sniffed.height} is more than ${maxInput} pixels`,
    );
  }
  const swap = orientationSwapsAxes(sniffed.orientation);
  const originalWidth = swap ? sniffed.height : sniffed.width;
  const originalHeight = swap ? sniffed.width : sniffed.height;
  const target = fitWithinPixels(originalWidth, originalHeight, opts.maxPixels);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxInput, pages: 1, failOn: 'warning' })
      .rotate()
      .resize({ width: target.width, height: target.height, fit: 'inside', withoutEnlargement: true })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) return decodeError('E_IMAGE_CORRUPT', `decoder gave ${info.channels} channels`);
    // Copy into an exactly-sized, aligned array: Buffers may sit in a shared pool.
    const rgba = new Uint8ClampedArray(data.length);
    rgba.set(data);
    return { ok: true, image: wrapRgba(info.width, info.height, rgba), originalWidth, originalHeight };
  } catch (err: unknown) {
    const message = err instanceof Error ? err.message : String(err);
    if (/pixel limit/i.test(message)) return decodeError('E_IMAGE_TOO_LARGE', message);
    return decodeError('E_IMAGE_CORRUPT', `${sniffed.format} could not be decoded: ${message}`);
  }
};
