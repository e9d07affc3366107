import { BLOB_CHUNK_ABYTES, BLOB_CHUNK_CIPHER, BLOB_HEADER_BYTES } from '../../crypto/index.ts';

/**
 * How a blob's ciphertext splits into the pieces BlobStore keeps and transfers move:
 * piece 0 is the secretstream header, pieces 1..n the sealed chunks (all full but the
 * last). The size alone says where every piece starts, so a receiver can check each
 * piece's length before storing it and resume at any piece.
 * Note: blob v2 pads inside the sealed stream (crypto/FORMATS.md "Blob v2"), so this layout
 * holds for v1 and v2 alike and the padded size, a Padmé bucket, is the one every store,
 * transfer and the relay see. A size is not checked to be a bucket: v1 blobs keep theirs.
 */
export const MIN_BLOB_BYTES = BLOB_HEADER_BYTES + BLOB_CHUNK_ABYTES;

/** The largest blob any transfer accepts (the relay's default maxBlobBytes). */
export const MAX_BLOB_BYTES = 32 * 1024 * 1024;

export function isBlobSize(size: number): boolean {
  if (!Number.isSafeInteger(size) || size < MIN_BLOB_BYTES || size > MAX_BLOB_BYTES) return false;
  const tail = (size - BLOB_HEADER_BYTES) % BLOB_CHUNK_CIPHER;
  return tail === 0 || tail >= BLOB_CHUNK_ABYTES;
}

/** Pieces of a blob of `size` bytes, header included. */
export function pieceCount(size: number): number {
  return 1 + Math.ceil((size - BLOB_HEADER_BYTES) / BLOB_CHUNK_CIPHER);
}

/** Byte offset of piece `index` in the ciphertext. */
export function pieceOffset(index: number): number {
  return index === 0 ? 0 : BLOB_HEADER_BYTES + (index - 1) * BLOB_CHUNK_CIPHER;
}

/** Length of piece `index` of a blob of `size` bytes (0 past its end). */
export function pieceLength(size: number, index: number): number {
  if (index === 0) return BLOB_HEADER_BYTES;
  const start = pieceOffset(index);
  return Math.max(0, Math.min(BLOB_CHUNK_CIPHER, size - start));
}

/** The piece holding byte `offset`. */
export function pieceAt(offset: number): number {
  return offset < BLOB_HEADER_BYTES ? 0 : 1 + Math.floor((offset - BLOB_HEADER_BYTES) / BLOB_CHUNK_CIPHER);
}
