// Photos are encrypted with crypto_secretstream_xchacha20poly1305 in fixed-size
// chunks so a 20 MB photo is never whole in memory, and a reordered, dropped or
// truncated chunk is detected (the stream state counts chunks; the last is FINAL).
// Framing: header || chunk*; every chunk but the last holds exactly chunkSize
// plaintext bytes, so a reader can split the byte stream without any lengths.
import { concatBytes } from './encoding.ts';
import type { PhotoKey } from './keys.ts';
import { fail, ok, type Result } from './result.ts';
import { sodium } from './sodium.ts';

export const BLOB_VERSION = 0x01;
export const BLOB_CHUNK_PLAIN = 65536;
/** crypto_secretstream_xchacha20poly1305_ABYTES: 1 tag byte + 16 MAC bytes. */
export const BLOB_CHUNK_ABYTES = 17;
export const BLOB_CHUNK_CIPHER = BLOB_CHUNK_PLAIN + BLOB_CHUNK_ABYTES;
/** Version byte + 24-byte secretstream header. */
export const BLOB_HEADER_BYTES = 25;

/**
 * Chunk size is not recorded in the blob: both ends must agree. Everything we
 * store uses the default; tests pass a small size to exercise many chunks cheaply.
 */
export interface BlobOptions {
  chunkSize?: number;
}

export interface BlobEncryptor {
  header: Uint8Array;
  push(plainChunk: Uint8Array, last: boolean): Uint8Array;
}

export interface BlobDecryptor {
  pull(cipherChunk: Uint8Array): Result<{ plaintext: Uint8Array; last: boolean }>;
  /** E_TRUNCATED unless the FINAL-tagged chunk was seen. */
  finish(): Result<void>;
}

function chunkSizeOf(options: BlobOptions | undefined): number {
  const size = options?.chunkSize ?? BLOB_CHUNK_PLAIN;
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`bad blob chunk size ${size}`);
  return size;
}

// Note: the version byte is authenticated with every chunk, so a future
// version cannot be downgraded to v1 by rewriting the first byte.
function chunkAd(ad: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(BLOB_VERSION), ad);
}

// Note: libsodium.js allocates each stream's 52-byte state on the wasm heap and
// offers no call to free it; a few per photo is an accepted, bounded cost.
export function createBlobEncryptor(key: PhotoKey | Uint8Array, ad: Uint8Array, options?: BlobOptions): BlobEncryptor {
  const s = sodium();
  const chunkSize = chunkSizeOf(options);
  const fullAd = chunkAd(ad);
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  let finished = false;
  return {
    header: concatBytes(Uint8Array.of(BLOB_VERSION), header),
    push(plainChunk, last) {
      if (finished) throw new Error('blob encryptor: push after the last chunk');
      if (last ? plainChunk.length > chunkSize : plainChunk.length !== chunkSize) {
        throw new RangeError(`blob encryptor: chunks must be ${chunkSize} bytes (the last at most that)`);
      }
      finished = last;
      const tag = last
        ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      return s.crypto_secretstream_xchacha20poly1305_push(state, plainChunk, fullAd, tag);
    },
  };
}

export function createBlobDecryptor(
  key: PhotoKey | Uint8Array,
  headerBytes: Uint8Array,
  ad: Uint8Array,
  options?: BlobOptions,
): Result<BlobDecryptor> {
  const s = sodium();
  const chunkSize = chunkSizeOf(options);
  if (headerBytes.length === 0) return fail('E_TRUNCATED', 'empty blob header');
  if (headerBytes[0] !== BLOB_VERSION) return fail('E_VERSION', `unknown blob version ${headerBytes[0]}`);
  if (headerBytes.length < BLOB_HEADER_BYTES) return fail('E_TRUNCATED', 'blob header too short');
  if (headerBytes.length > BLOB_HEADER_BYTES) return fail('E_FORMAT', 'blob header too long');
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(headerBytes.subarray(1), key);
  const fullAd = chunkAd(ad);
  let sawFinal = false;
  // After the first failure the stream state is unusable; keep reporting that failure.
  let broken: Result<never> | null = null;
  const breakWith = (code: 'E_DECRYPT' | 'E_FORMAT' | 'E_TRUNCATED', message: string): Result<never> => {
    broken = fail(code, message);
    return broken;
  };
  return ok({
    pull(cipherChunk) {
      if (broken !== null) return broken;
      if (sawFinal) return fail('E_FORMAT', 'chunk after the final chunk');
      if (cipherChunk.length < BLOB_CHUNK_ABYTES) return breakWith('E_TRUNCATED', 'blob chunk shorter than its tag');
      if (cipherChunk.length > chunkSize + BLOB_CHUNK_ABYTES) {
        return breakWith('E_FORMAT', 'blob chunk longer than the chunk size');
      }
      let pulled: { message: Uint8Array; tag: number } | false;
      try {
        pulled = s.crypto_secretstream_xchacha20poly1305_pull(state, cipherChunk, fullAd);
      } catch {
        pulled = false;
      }
      if (pulled === false) return breakWith('E_DECRYPT', 'blob chunk failed authentication');
      const last = pulled.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
      const isMessage = pulled.tag === s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      // Authentic but not what our encryptor writes (REKEY/PUSH tags, short middle chunk).
      if ((!last && !isMessage) || (isMessage && pulled.message.length !== chunkSize)) {
        return breakWith('E_FORMAT', 'blob chunk has an unexpected tag or size');
      }
      sawFinal = last;
      return ok({ plaintext: pulled.message, last });
    },
    finish() {
      if (broken !== null) return broken;
      return sawFinal ? ok(undefined) : fail('E_TRUNCATED', 'blob ended before its final chunk');
    },
  });
}

/** Whole-blob convenience (thumbnails, tests): header || chunks. */
export function encryptBlob(key: PhotoKey | Uint8Array, bytes: Uint8Array, ad: Uint8Array, options?: BlobOptions): Uint8Array {
  const chunkSize = chunkSizeOf(options);
  const enc = createBlobEncryptor(key, ad, options);
  const parts = [enc.header];
  let offset = 0;
  // An empty or exactly chunk-aligned blob still ends with a (possibly empty) FINAL chunk.
  while (bytes.length - offset > chunkSize) {
    parts.push(enc.push(bytes.subarray(offset, offset + chunkSize), false));
    offset += chunkSize;
  }
  parts.push(enc.push(bytes.subarray(offset), true));
  return concatBytes(...parts);
}

export function decryptBlob(key: PhotoKey | Uint8Array, bytes: Uint8Array, ad: Uint8Array, options?: BlobOptions): Result<Uint8Array> {
  const cipherChunk = chunkSizeOf(options) + BLOB_CHUNK_ABYTES;
  const dec = createBlobDecryptor(key, bytes.subarray(0, BLOB_HEADER_BYTES), ad, options);
  if (!dec.ok) return dec;
  const parts: Uint8Array[] = [];
  for (let offset = BLOB_HEADER_BYTES; offset < bytes.length; offset += cipherChunk) {
    const pulled = dec.value.pull(bytes.subarray(offset, offset + cipherChunk));
    if (!pulled.ok) return pulled;
    parts.push(pulled.value.plaintext);
  }
  const done = dec.value.finish();
  if (!done.ok) return done;
  return ok(concatBytes(...parts));
}
