import type { RgbaImage } from './rgba-image.ts';

/**
 * Decode error codes (stable; the UI maps them to messages):
 *
 * | code                | when                                                        |
 * |---------------------|-------------------------------------------------------------|
 * | E_IMAGE_CORRUPT     | empty file, or a JPEG/PNG/WebP/GIF whose data is truncated   |
 * |                     | or damaged so the platform decoder fails                    |
 * | E_IMAGE_UNSUPPORTED | not a JPEG/PNG/WebP/GIF: PDF, SVG, HEIC/AVIF, TIFF, BMP,    |
 * |                     | text, random bytes                                          |
 * | E_IMAGE_TOO_LARGE   | header says more than maxInputPixels, or the platform ran   |
 * |                     | out of memory decoding it                                   |
 */
export type DecodeErrorCode = 'E_IMAGE_CORRUPT' | 'E_IMAGE_UNSUPPORTED' | 'E_IMAGE_TOO_LARGE';

export type DecodeError = { ok: false; code: DecodeErrorCode; message: string };

export type DecodeResult =
  | {
      ok: true;
      /** Upright (EXIF orientation applied), at most maxPixels pixels. */
      image: RgbaImage;
      /** Upright size of the file before any downscaling. */
      originalWidth: number;
      originalHeight: number;
    }
  | DecodeError;

export type DecodeOptions = {
  /**
   * Output budget: larger images are downscaled during decode (keeping aspect)
   * so a 50 MP photo never needs a full-size RGBA buffer where the platform can
   * avoid it. ML pipelines want a few megapixels at most.
   */
  maxPixels: number;
  /** Refuse files whose header claims more pixels than this (decompression bombs). */
  maxInputPixels?: number;
};

/**
 * Bytes in, upright RGBA out; never throws for bad input, returns a code.
 * Implementations: decode-node.ts (sharp) and decode-browser.ts (createImageBitmap).
 */
export type ImageDecoder = (bytes: Uint8Array, opts: DecodeOptions) => Promise<DecodeResult>;

export function decodeError(code: DecodeErrorCode, message: string): DecodeError {
  return { ok: false, code, message };
}
