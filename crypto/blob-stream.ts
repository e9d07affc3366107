// Photos are encrypted with crypto_secretstream_xchacha20poly1305 in fixed-size
// chunks so a 20 MB photo is never whole in memory, and a reordered, dropped or
// truncated chunk is detected (the stream state counts chunks; the last is FINAL).
// Framing: header || chunk*; every chunk but the last holds exactly chunkSize
// plaintext bytes, so a reader can split the byte stream without any lengths.
// Note: v2 (what is written now) pads: the sealed stream is u64be(length) || data || zeros,
// sized so that the whole ciphertext is a Padmé bucket (padme.ts). A relay that stores the
// blob learns its bucket, not its length, so it cannot recognise a known photo by size.
// The length is inside the AEAD; a reader checks it and the padding (E_PADDING) and hands
// on only the data. v1 (no padding) is still read.
import { concatBytes, readU64be, u64be } from './encoding.ts';
import type { PhotoKey } from './keys.ts';
import { padme } from './padme.ts';
import { fail, ok, type Result } from './result.ts';
import { sodium } from './sodium.ts';

/** What createBlobEncryptor writes. */
export const BLOB_VERSION = 0x02;
/** Unpadded, still read. */
export const BLOB_V1 = 0x01;
export const BLOB_CHUNK_PLAIN = 65536;
/** crypto_secretstream_xchacha20poly1305_ABYTES: 1 tag byte + 16 MAC bytes. */
export const BLOB_CHUNK_ABYTES = 17;
export const BLOB_CHUNK_CIPHER = BLOB_CHUNK_PLAIN + BLOB_CHUNK_ABYTES;
/** Version byte + 24-byte secretstream header. */
export const BLOB_HEADER_BYTES = 25;
/** v2: the data length that opens the sealed stream. */
export const BLOB_LENGTH_BYTES = 8;
const MAX_DECLARED_LENGTH = 2 ** 48;

/**
 * Chunk size is not recorded in the blob: both ends must agree. Everything we
 * store uses the default; tests pass a small size to exercise many chunks cheaply.
 */
export interface BlobOptions {
  chunkSize?: number;
}

export interface BlobEncryptor {
  header: Uint8Array;
  /** Ciphertext bytes of the whole blob, header included: a Padmé bucket. */
  readonly size: number;
  /** Seals the chunks `data` completes; holds back less than one chunk (and the last chunk). */
  push(data: Uint8Array): Uint8Array[];
  /** Seals what is held back, the padding and the FINAL chunk. Throws unless exactly the declared length was pushed. */
  end(): Uint8Array[];
}

export interface BlobDecryptor {
  /** `plaintext` is this chunk's share of the data (empty for a chunk of padding). */
  pull(cipherChunk: Uint8Array): Result<{ plaintext: Uint8Array; last: boolean }>;
  /** E_TRUNCATED unless the FINAL-tagged chunk was seen. */
  finish(): Result<void>;
}

function chunkSizeOf(options: BlobOptions | undefined): number {
  const size = options?.chunkSize ?? BLOB_CHUNK_PLAIN;
  // The length prefix must fit in the first chunk.
  if (!Number.isSafeInteger(size) || size < BLOB_LENGTH_BYTES) throw new RangeError(`bad blob chunk size ${size}`);
  return size;
}

/** Ciphertext bytes of a sealed stream of `plain` bytes (v1: the data; v2: length, data and padding). */
export function blobCipherBytes(plain: number, options?: BlobOptions): number {
  const chunkSize = chunkSizeOf(options);
  return BLOB_HEADER_BYTES + plain + BLOB_CHUNK_ABYTES * Math.max(1, Math.ceil(plain / chunkSize));
}

/** The sealed stream length whose ciphertext is `cipher` bytes, if any (a chunk's tag makes gaps). */
function plainForCipher(cipher: number, chunkSize: number): number | undefined {
  const body = cipher - BLOB_HEADER_BYTES;
  const chunks = Math.max(1, Math.ceil(body / (chunkSize + BLOB_CHUNK_ABYTES)));
  const plain = body - BLOB_CHUNK_ABYTES * chunks;
  return plain >= 0 && Math.max(1, Math.ceil(plain / chunkSize)) === chunks ? plain : undefined;
}

/**
 * v2: the sealed stream length (length prefix, data, padding) for `dataLength` data bytes:
 * the shortest whose ciphertext is a Padmé bucket at least as big as the unpadded one.
 */
export function paddedBlobPlainBytes(dataLength: number, options?: BlobOptions): number {
  const chunkSize = chunkSizeOf(options);
  if (!Number.isSafeInteger(dataLength) || dataLength < 0) throw new RangeError(`bad blob length ${dataLength}`);
  // A bucket can fall in the 17-byte gap a new chunk's tag opens; then the next bucket serves.
  for (let bucket = padme(blobCipherBytes(BLOB_LENGTH_BYTES + dataLength, options)); ; bucket = padme(bucket + 1)) {
    const plain = plainForCipher(bucket, chunkSize);
    if (plain !== undefined) return plain;
  }
}

/** v2: ciphertext bytes of a blob of `dataLength` data bytes: what a relay stores for it. */
export function paddedBlobBytes(dataLength: number, options?: BlobOptions): number {
  return blobCipherBytes(paddedBlobPlainBytes(dataLength, options), options);
}

// Note: the version byte is authenticated with every chunk, so a v2 blob cannot be
// read as v1 (which would hand on its length and padding) by rewriting the first byte.
function chunkAd(version: number, ad: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(version), ad);
}

// Note: libsodium.js allocates each stream's 52-byte state on the wasm heap and
// offers no call to free it; a few per photo is an accepted, bounded cost.
export function createBlobEncryptor(key: PhotoKey | Uint8Array, ad: Uint8Array, dataLength: number, options?: BlobOptions): BlobEncryptor {
  const s = sodium();
  const chunkSize = chunkSizeOf(options);
  const total = paddedBlobPlainBytes(dataLength, options);
  const chunks = Math.max(1, Math.ceil(total / chunkSize));
  const fullAd = chunkAd(BLOB_VERSION, ad);
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  let buffer = new Uint8Array(chunkSize);
  buffer.set(u64be(dataLength));
  let filled = BLOB_LENGTH_BYTES;
  let sealedChunks = 0;
  let data = 0;
  let ended = false;
  const seal = (last: boolean): Uint8Array => {
    const tag = last ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    const sealed = s.crypto_secretstream_xchacha20poly1305_push(state, buffer.subarray(0, filled), fullAd, tag);
    sealedChunks++;
    buffer = new Uint8Array(chunkSize);
    filled = 0;
    return sealed;
  };
  return {
    header: concatBytes(Uint8Array.of(BLOB_VERSION), header),
    size: blobCipherBytes(total, options),
    push(bytes) {
      if (ended) throw new Error('blob encryptor: push after end');
      if (data + bytes.length > dataLength) throw new RangeError(`blob encryptor: more than the declared ${dataLength} bytes`);
      data += bytes.length;
      const out: Uint8Array[] = [];
      for (let offset = 0; offset < bytes.length; ) {
        const take = Math.min(chunkSize - filled, bytes.length - offset);
        buffer.set(bytes.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        // The last chunk waits for end(): only then is it sealed FINAL.
        if (filled === chunkSize && sealedChunks < chunks - 1) out.push(seal(false));
      }
      return out;
    },
    end() {
      if (ended) throw new Error('blob encryptor: end twice');
      if (data !== dataLength) throw new RangeError(`blob encryptor: ${data} bytes pushed, ${dataLength} declared`);
      ended = true;
      const out: Uint8Array[] = [];
      // Padding: the buffer's unused bytes are already zero.
      let remaining = total - (sealedChunks * chunkSize + filled);
      while (sealedChunks < chunks - 1) {
        const take = chunkSize - filled;
        filled = chunkSize;
        remaining -= take;
        out.push(seal(false));
      }
      filled += remaining;
      out.push(seal(true));
      return out;
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
  const version = headerBytes[0] as number;
  if (version !== BLOB_VERSION && version !== BLOB_V1) return fail('E_VERSION', `unknown blob version ${version}`);
  if (headerBytes.length < BLOB_HEADER_BYTES) return fail('E_TRUNCATED', 'blob header too short');
  if (headerBytes.length > BLOB_HEADER_BYTES) return fail('E_FORMAT', 'blob header too long');
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(headerBytes.subarray(1), key);
  const fullAd = chunkAd(version, ad);
  const unpad = version === BLOB_VERSION ? createUnpadder(options) : undefined;
  let sawFinal = false;
  // After the first failure the stream state is unusable; keep reporting that failure.
  let broken: Result<never> | null = null;
  const breakWith = (code: 'E_DECRYPT' | 'E_FORMAT' | 'E_TRUNCATED' | 'E_PADDING', message: string): Result<never> => {
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
      if (unpad === undefined) return ok({ plaintext: pulled.message, last });
      const data = unpad(pulled.message, last);
      return data.ok ? ok({ plaintext: data.value, last }) : breakWith('E_PADDING', data.error.message);
    },
    finish() {
      if (broken !== null) return broken;
      return sawFinal ? ok(undefined) : fail('E_TRUNCATED', 'blob ended before its final chunk');
    },
  });
}

/**
 * v2: takes the sealed stream chunk by chunk and returns each chunk's data. Fails when the
 * stream is too short for its length prefix, is longer or shorter than the padded length of
 * the data it declares (only one padding is valid), or the padding is not all zero.
 */
function createUnpadder(options: BlobOptions | undefined): (chunk: Uint8Array, last: boolean) => Result<Uint8Array> {
  let seen = 0;
  let dataEnd = -1;
  let total = -1;
  return (chunk, last) => {
    const start = seen;
    seen += chunk.length;
    if (start === 0) {
      if (chunk.length < BLOB_LENGTH_BYTES) return fail('E_PADDING', 'blob too short for its length');
      const length = readU64be(chunk, 0);
      // 2^48 bytes is far beyond any blob and keeps the padded length a safe integer.
      if (length === null || length > MAX_DECLARED_LENGTH) return fail('E_PADDING', 'blob declares an impossible length');
      dataEnd = BLOB_LENGTH_BYTES + length;
      total = paddedBlobPlainBytes(length, options);
    }
    if (seen > total) return fail('E_PADDING', 'blob is longer than its declared length padded');
    if (last && seen !== total) return fail('E_PADDING', 'blob ends before its declared length padded');
    const from = Math.max(0, BLOB_LENGTH_BYTES - start);
    const to = Math.max(from, Math.min(chunk.length, dataEnd - start));
    for (let i = to; i < chunk.length; i++) if (chunk[i] !== 0) return fail('E_PADDING', 'blob padding is not zero');
    return ok(chunk.subarray(from, to));
  };
}

/** Whole-blob convenience (thumbnails, tests): header || chunks. */
export function encryptBlob(key: PhotoKey | Uint8Array, bytes: Uint8Array, ad: Uint8Array, options?: BlobOptions): Uint8Array {
  const enc = createBlobEncryptor(key, ad, bytes.length, options);
  return concatBytes(enc.header, ...enc.push(bytes), ...enc.end());
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
