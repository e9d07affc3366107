import { sniffImage } from './sniff.ts';

export type RasterBlobResult = { ok: true; blob: Blob } | { ok: false; message: string };

/**
 * A Blob to show image bytes from, typed by the bytes themselves: only a JPEG, PNG, WebP or
 * GIF (what sniffImage reads) gets a type; anything else gets no Blob at all.
 *
 * Note: the photo view (src/app/photo-url.ts) shows decrypted photos and thumbnails whose
 * records and blobs can come from any member's replica, and a Blob's type decides how the
 * browser renders it. Typed by a record that said `image/svg+xml`, an SVG blob rendered as
 * SVG (in an <img> it runs no script, but opened on its own, as a blob: URL of our origin,
 * it is a document). No name, declared type or record is trusted here: the bytes say what
 * it is, or it is not shown.
 */
export function rasterBlob(bytes: Uint8Array<ArrayBuffer>): RasterBlobResult {
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) return { ok: false, message: `This photo is not shown: it is not a JPEG, PNG, WebP or GIF image (${sniffed.message}).` };
  return { ok: true, blob: new Blob([bytes], { type: sniffed.mime }) };
}
