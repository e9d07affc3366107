import { sniffImage } from '../../ml/image/sniff.ts';
import { DEFAULT_MAX_INPUT_PIXELS } from '../../ml/image/fit-within-pixels.ts';
import { orientationSwapsAxes } from '../../ml/image/jpeg-header.ts';
import type { ErrorCode } from './error-code.ts';

export const THUMB_SIDE = 320;
/** Enough for any JPEG EXIF block (max 64 KiB) plus the frame header behind it. */
const HEADER_BYTES = 256 * 1024;

export interface Thumbnail {
  readonly jpeg: Blob;
  readonly mime: string;
  /** The photo's size as seen (EXIF orientation applied). */
  readonly width: number;
  readonly height: number;
}

export class ImportError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A ~320 px JPEG of the photo, EXIF orientation applied. The size comes from a header
 * sniff of the first bytes, so the browser can decode straight to the small size instead
 * of holding a full-size bitmap; a file that is not a supported image fails here, before
 * anything is stored.
 */
export async function makeThumbnail(file: Blob): Promise<Thumbnail> {
  const head = new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer());
  const sniffed = sniffImage(head);
  if (!sniffed.ok) throw new ImportError(sniffed.code, `Not a photo Obscura can read (${sniffed.message}).`);
  // A header can claim any size (a "PNG bomb" is a few bytes): refuse before decoding.
  if (sniffed.width * sniffed.height > DEFAULT_MAX_INPUT_PIXELS) {
    const mp = (n: number) => Math.round(n / 1e6);
    throw new ImportError('E_IMAGE_TOO_LARGE', `This image is too large: ${sniffed.width}×${sniffed.height} is ${mp(sniffed.width * sniffed.height)} megapixels, the limit is ${mp(DEFAULT_MAX_INPUT_PIXELS)}.`);
  }
  const swap = orientationSwapsAxes(sniffed.orientation);
  const width = swap ? sniffed.height : sniffed.width;
  const height = swap ? sniffed.width : sniffed.height;
  const scale = Math.min(1, THUMB_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image', resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
  } catch {
    throw new ImportError('E_IMAGE_CORRUPT', `This ${sniffed.format.toUpperCase()} file is damaged and cannot be shown.`);
  }
  try {
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new ImportError('E_IMAGE_TOO_LARGE', 'No canvas to draw the thumbnail on (out of memory?).');
    // JPEG has no alpha: transparent PNG areas become white rather than black.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(bitmap, 0, 0);
    return { jpeg: await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 }), mime: sniffed.mime, width, height };
  } finally {
    bitmap.close();
  }
}
