import { decodeError, type DecodeError } from './image-decoder.ts';
import { readJpegHeader } from './jpeg-header.ts';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

/** The MIME type of each format sniffImage recognises: the only types a photo may have. */
export const IMAGE_MIMES: Readonly<Record<ImageFormat, string>> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' };

export type SniffResult =
  | {
      ok: true;
      format: ImageFormat;
      /** Stored size, before EXIF orientation. */
      width: number;
      height: number;
      /** EXIF orientation 1..8 (1 when absent; only read for JPEG). */
      orientation: number;
      mime: string;
    }
  | DecodeError;

/**
 * Identify an image from its first bytes and read its stored dimensions
 * without decoding it. The browser decoder needs the size up front to ask
 * createImageBitmap for a downscaled bitmap, and both decoders use this to
 * refuse formats we do not support with a clear code instead of whatever the
 * platform decoder would do with a PDF or an SVG.
 */
export function sniffImage(bytes: Uint8Array): SniffResult {
  if (bytes.length === 0) return decodeError('E_IMAGE_CORRUPT', 'the file is empty');
  const b = bytes;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    const h = readJpegHeader(b);
    if (!h) return decodeError('E_IMAGE_CORRUPT', 'JPEG without a readable frame header');
    return ok('jpeg', h.width, h.height, h.orientation);
  }
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return decodeError('E_IMAGE_CORRUPT', 'PNG without IHDR');
    return ok('png', be32(b, 16), be32(b, 20), 1);
  }
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') {
    if (b.length < 10) return decodeError('E_IMAGE_CORRUPT', 'GIF header is truncated');
    return ok('gif', le16(b, 6), le16(b, 8), 1);
  }
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return sniffWebp(b);
  // iPhone photos: say what to do rather than "unrecognised" (no browser decoder we can rely on).
  if (ascii(b, 4, 4) === 'ftyp' && HEIC_BRANDS.has(ascii(b, 8, 4))) {
    return decodeError('E_IMAGE_UNSUPPORTED', 'HEIC is not supported in this browser; save the photo as JPEG and import that');
  }
  return decodeError('E_IMAGE_UNSUPPORTED', `not a JPEG, PNG, WebP or GIF image (${describe(b)})`);
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);

function sniffWebp(b: Uint8Array): SniffResult {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ' && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return ok('webp', le16(b, 26) & 0x3fff, le16(b, 28) & 0x3fff, 1);
  }
  if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
    return ok('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1, 1);
  }
  if (chunk === 'VP8X' && b.length >= 30) {
    const w = (b[24]! | (b[25]! << 8) | (b[26]! << 16)) + 1;
    const h = (b[27]! | (b[28]! << 8) | (b[29]! << 16)) + 1;
    return ok('webp', w, h, 1);
  }
  return decodeError('E_IMAGE_CORRUPT', 'WebP without a readable frame header');
}

function ok(format: ImageFormat, width: number, height: number, orientation: number): SniffResult {
  if (width < 1 || height < 1) return decodeError('E_IMAGE_CORRUPT', `${format} header says ${width}x${height}`);
  return { ok: true, format, mime: IMAGE_MIMES[format], width, height, orientation };
}

/** Name the usual suspects so the message tells the person what they picked. */
function describe(b: Uint8Array): string {
  if (ascii(b, 0, 5) === '%PDF-') return 'a PDF document';
  if (ascii(b, 4, 4) === 'ftyp') return `an ISO media file, brand "${ascii(b, 8, 4)}" (HEIC/AVIF/video)`;
  if (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*') return 'a TIFF image';
  if (ascii(b, 0, 2) === 'BM') return 'a BMP image';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 512)).toLowerCase();
  if (head.includes('<svg')) return 'an SVG drawing';
  if (head.trimStart().startsWith('<')) return 'an XML or HTML document';
  return 'unrecognised bytes';
}

function startsWith(b: Uint8Array, sig: number[]): boolean {
  return sig.every((v, i) => b[i] === v);
}

function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n && i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function le16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}
