import type { ContentRange } from './blob-files.ts';

export type PutBlobResult =
  | { readonly ok: true; readonly created: boolean; readonly size: number }
  /** A resumable part was stored; the upload continues at `offset`. */
  | { readonly ok: true; readonly created?: undefined; readonly offset: number }
  | { readonly ok: false; readonly status: 400 | 409 | 413 | 422 | 507; readonly message: string; readonly offset?: number };

/**
 * Where the relay keeps blobs, addressed by room id and BLAKE2b-256 of the ciphertext: the
 * disk (relay-blob-store.ts, one process) or S3 with upload state in PostgreSQL
 * (s3-blob-store.ts, any number of nodes). Callers validate room id and hash first; a store
 * never shows a blob under its name before its bytes hashed to that name.
 * tests/integration/node/blob-store-contract.ts holds every store to the same behaviour.
 */
export interface BlobStorage {
  /** One whole upload; `declaredBytes` (Content-Length) lets a store refuse before reading. */
  put(roomId: string, hash: string, body: AsyncIterable<Uint8Array>, declaredBytes?: number): Promise<PutBlobResult>;
  /** One part of a resumable upload; parts arrive in order, the last one checks the hash. */
  putPart(roomId: string, hash: string, range: ContentRange, body: AsyncIterable<Uint8Array>): Promise<PutBlobResult>;
  /** How many bytes of a resumable upload the store holds (undefined: none). */
  partialOffset(roomId: string, hash: string): Promise<number | undefined>;
  /** The size of a complete blob, undefined when there is none. */
  size(roomId: string, hash: string): Promise<number | undefined>;
  /** Bytes `start`..`end` (inclusive) of a complete blob. */
  read(roomId: string, hash: string, start: number, end: number): Promise<AsyncIterable<Uint8Array>>;
  /**
   * A store shared by several nodes (S3): the rooms with blobs and the blob bytes every node
   * stored, which each node's ledger reads at start and refresh (storage-ledger.ts).
   */
  stored?(): Promise<{ rooms: string[]; bytes: number }>;
}

export const tooLarge = (max: number): PutBlobResult => ({ ok: false, status: 413, message: `a blob may hold at most ${max} bytes` });
export const quotaFull = (): PutBlobResult => ({ ok: false, status: 507, message: 'this room has no blob space left' });
export const conflict = (offset: number): PutBlobResult => ({ ok: false, status: 409, message: `the upload continues at byte ${offset}`, offset });
export const mismatch = (actual: string): PutBlobResult => ({ ok: false, status: 422, message: `content hash is ${actual}` });
