import { beforeAll, describe, expect, it } from 'vitest';
import {
  BLOB_CHUNK_ABYTES,
  BLOB_CHUNK_CIPHER,
  BLOB_CHUNK_PLAIN,
  BLOB_HEADER_BYTES,
  concatBytes,
  createBlobDecryptor,
  createBlobEncryptor,
  decryptBlob,
  encryptBlob,
  isPadmeBucket,
  paddedBlobBytes,
  paddedBlobPlainBytes,
  randomBytes,
  randomPhotoKey,
  sodiumReady,
  utf8,
  type PhotoKey,
} from '../../../crypto/index.ts';
import { expectCode, expectOk, expectSameBytes, FLIP_MASKS, flipped, seededRandom, testSeed } from './helpers.ts';

const ad = utf8('photo:abc');
// Small chunks make "every byte of a multi-chunk blob" cheap; the framing logic is the same.
const small = { chunkSize: 64 };
const SMALL_CIPHER = 64 + BLOB_CHUNK_ABYTES;
let key: PhotoKey;

beforeAll(async () => {
  await sodiumReady();
  key = randomPhotoKey();
});

describe('blob round trip', () => {
  it('round-trips empty, tiny, chunk-aligned and ~150 KB blobs, each padded to a bucket', () => {
    for (const n of [0, 1, BLOB_CHUNK_PLAIN - 9, BLOB_CHUNK_PLAIN - 8, BLOB_CHUNK_PLAIN, BLOB_CHUNK_PLAIN + 1, 150_000]) {
      const plain = randomBytes(n);
      const blob = encryptBlob(key, plain, ad);
      const unpadded = BLOB_HEADER_BYTES + 8 + n + Math.max(1, Math.ceil((n + 8) / BLOB_CHUNK_PLAIN)) * BLOB_CHUNK_ABYTES;
      expect(blob.length).toBe(paddedBlobBytes(n));
      expect(isPadmeBucket(blob.length), `${n} bytes → ${blob.length}`).toBe(true);
      expect(blob.length).toBeGreaterThanOrEqual(unpadded);
      expectSameBytes(expectOk(decryptBlob(key, blob, ad)), plain);
    }
    expect(BLOB_CHUNK_CIPHER).toBe(BLOB_CHUNK_PLAIN + 17);
  });

  it('streams chunk by chunk with the framing documented in FORMATS.md, whatever the pieces pushed', () => {
    const plain = randomBytes(3 * BLOB_CHUNK_PLAIN + 10);
    const enc = createBlobEncryptor(key, ad, plain.length);
    const cipherChunks: Uint8Array[] = [];
    for (let off = 0; off < plain.length; off += 10_000) cipherChunks.push(...enc.push(plain.subarray(off, off + 10_000)));
    cipherChunks.push(...enc.end());
    expect(() => enc.push(new Uint8Array(1))).toThrow();
    expect(cipherChunks.slice(0, -1).every((c) => c.length === BLOB_CHUNK_CIPHER)).toBe(true);
    expect(enc.header.length + cipherChunks.reduce((sum, c) => sum + c.length, 0)).toBe(enc.size);
    const dec = expectOk(createBlobDecryptor(key, enc.header, ad));
    const out = cipherChunks.map((c, i) => {
      const pulled = expectOk(dec.pull(c));
      expect(pulled.last).toBe(i === cipherChunks.length - 1);
      return pulled.plaintext;
    });
    expect(expectOk(dec.finish()) === undefined).toBe(true);
    expectSameBytes(concatBytes(...out), plain);
    expectCode(dec.pull(cipherChunks[0] ?? new Uint8Array(0)), 'E_FORMAT');
  });

  it('encryptor refuses more or fewer bytes than declared (programmer error)', () => {
    expect(() => createBlobEncryptor(key, ad, 5).push(new Uint8Array(6))).toThrow(RangeError);
    const short = createBlobEncryptor(key, ad, 5);
    short.push(new Uint8Array(4));
    expect(() => short.end()).toThrow(RangeError);
  });
});

describe('blob tampering', () => {
  it('fails under the wrong key or AD, and with reordered chunks (E_DECRYPT)', () => {
    const blob = encryptBlob(key, randomBytes(1000), ad, small);
    expectCode(decryptBlob(randomPhotoKey(), blob, ad, small), 'E_DECRYPT');
    expectCode(decryptBlob(key, blob, utf8('photo:abd'), small), 'E_DECRYPT');
    const swapped = blob.slice();
    swapped.set(blob.subarray(BLOB_HEADER_BYTES + SMALL_CIPHER, BLOB_HEADER_BYTES + 2 * SMALL_CIPHER), BLOB_HEADER_BYTES);
    swapped.set(blob.subarray(BLOB_HEADER_BYTES, BLOB_HEADER_BYTES + SMALL_CIPHER), BLOB_HEADER_BYTES + SMALL_CIPHER);
    expectCode(decryptBlob(key, swapped, ad, small), 'E_DECRYPT');
  });

  it('rejects every single-byte flip of a 16-chunk blob (xor 0x01 and 0xff)', () => {
    const blob = encryptBlob(key, randomBytes(16 * 64 - 5), ad, small);
    for (let i = 0; i < blob.length; i++) {
      for (const mask of FLIP_MASKS) {
        const result = decryptBlob(key, flipped(blob, i, mask), ad, small);
        expect(result.ok, `byte ${i} ^ ${mask} was accepted`).toBe(false);
        if (i > 0) expectCode(result, 'E_DECRYPT');
      }
    }
  });

  it('rejects seeded random flips of a ~150 KB blob at the default chunk size', () => {
    const rng = seededRandom(testSeed('150 KB blob flips'));
    const blob = encryptBlob(key, rng.bytes(150_000), ad);
    const positions = [0, 1, 24, 25, BLOB_HEADER_BYTES + BLOB_CHUNK_CIPHER - 1, BLOB_HEADER_BYTES + BLOB_CHUNK_CIPHER, blob.length - 1];
    for (let k = 0; k < 150; k++) positions.push(rng.int(blob.length));
    for (const i of positions) {
      for (const mask of FLIP_MASKS) expect(decryptBlob(key, flipped(blob, i, mask), ad).ok, `byte ${i}`).toBe(false);
    }
  });

  it('truncation at every chunk boundary is E_TRUNCATED; inside a chunk it is rejected', () => {
    const blob = encryptBlob(key, randomBytes(16 * 64 - 5), ad, small);
    for (let cut = BLOB_HEADER_BYTES; cut < blob.length; cut += SMALL_CIPHER) {
      expectCode(decryptBlob(key, blob.subarray(0, cut), ad, small), 'E_TRUNCATED');
    }
    for (let cut = 0; cut < blob.length; cut++) expect(decryptBlob(key, blob.subarray(0, cut), ad, small).ok).toBe(false);
    const big = encryptBlob(key, randomBytes(150_000), ad);
    for (const cut of [BLOB_HEADER_BYTES, BLOB_HEADER_BYTES + BLOB_CHUNK_CIPHER, BLOB_HEADER_BYTES + 2 * BLOB_CHUNK_CIPHER]) {
      expectCode(decryptBlob(key, big.subarray(0, cut), ad), 'E_TRUNCATED');
    }
  });

  it('rejects appended bytes: a chunk after FINAL is E_FORMAT', () => {
    // A length whose padded stream fills its last chunk, so an appended byte is a chunk of its own.
    let n = 4 * 64;
    while (paddedBlobPlainBytes(n, small) % 64 !== 0) n++;
    const aligned = encryptBlob(key, randomBytes(n), ad, small);
    expectCode(decryptBlob(key, concatBytes(aligned, Uint8Array.of(0)), ad, small), 'E_FORMAT');
    expectCode(decryptBlob(key, concatBytes(aligned, randomBytes(SMALL_CIPHER)), ad, small), 'E_FORMAT');
    const ragged = encryptBlob(key, randomBytes(4 * 64 + 3), ad, small);
    expect(decryptBlob(key, concatBytes(ragged, Uint8Array.of(0)), ad, small).ok).toBe(false);
  });

  it('rejects bad headers and oversized chunks without throwing', () => {
    const enc = createBlobEncryptor(key, ad, 0);
    expectCode(createBlobDecryptor(key, new Uint8Array(0), ad), 'E_TRUNCATED');
    expectCode(createBlobDecryptor(key, enc.header.subarray(0, 10), ad), 'E_TRUNCATED');
    expectCode(createBlobDecryptor(key, concatBytes(enc.header, Uint8Array.of(0)), ad), 'E_FORMAT');
    expectCode(createBlobDecryptor(key, flipped(enc.header, 0, 0x04), ad), 'E_VERSION');
    const dec = expectOk(createBlobDecryptor(key, enc.header, ad));
    expectCode(dec.pull(new Uint8Array(BLOB_CHUNK_CIPHER + 1)), 'E_FORMAT');
    expectCode(dec.finish(), 'E_FORMAT');
    const dec2 = expectOk(createBlobDecryptor(key, enc.header, ad));
    expectCode(dec2.pull(new Uint8Array(5)), 'E_TRUNCATED');
  });
});
