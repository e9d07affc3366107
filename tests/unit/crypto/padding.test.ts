// Size padding (crypto/FORMATS.md "Padding: Padmé buckets"): the Padmé function, and that a blob or an
// envelope whose padding a key holder got wrong is refused with E_PADDING, not handed on.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BLOB_HEADER_BYTES,
  concatBytes,
  decryptBlob,
  deriveSubkey,
  encodeEnvelopeContext,
  encryptBlob,
  generateSigningKeyPair,
  isPadmeBucket,
  lengthPrefixed,
  newKeyId,
  openEnvelope,
  padme,
  paddedBlobPlainBytes,
  paddedEnvelopeBytes,
  randomBytes,
  randomNotebookKey,
  randomPhotoKey,
  sealAead,
  sealEnvelope,
  sodium,
  sodiumReady,
  u32be,
  u64be,
  utf8,
  type EnvelopeContext,
  type PhotoKey,
} from '../../../crypto/index.ts';
import { expectCode, expectOk, expectSameBytes } from './helpers.ts';

beforeAll(sodiumReady);

describe('padme', () => {
  it('gives the buckets of the paper for small and large lengths', () => {
    const cases: [number, number][] = [
      [0, 0], [1, 1], [2, 2], [7, 7], [8, 8], [9, 10], [100, 104], [158, 160], [222, 224],
      [1000, 1024], [65_559, 67_584], [70_059, 71_680], [1_000_000, 1_015_808], [32 * 2 ** 20, 32 * 2 ** 20],
    ];
    expect(cases.map(([length]) => [length, padme(length)])).toEqual(cases);
  });

  it('is the smallest bucket at or above a length, a bucket is its own bucket, and it never shrinks', () => {
    const wrong: number[] = [];
    let previous = 0;
    for (let length = 0; length < 70_000; length++) {
      const bucket = padme(length);
      // Nothing between the length and its bucket is a bucket.
      const skipped = bucket > length && isPadmeBucket(bucket - 1) && bucket - 1 >= length;
      if (bucket < length || bucket < previous || padme(bucket) !== bucket || skipped) wrong.push(length);
      previous = bucket;
    }
    expect(wrong).toEqual([]);
  });

  // Exhaustive up to 256 KiB and 1 MiB, sampled to 64 MiB (the largest blob is 32 MiB).
  it('costs at most 12% from 1 byte, at most 6.3% from 256 bytes, at most 3.2% from 64 KiB', () => {
    const worst = (from: number, to: number, step: number) => {
      let max = 0;
      for (let length = from; length < to; length += step) max = Math.max(max, (padme(length) - length) / length);
      return max;
    };
    expect(worst(1, 1 << 18, 1)).toBeLessThanOrEqual(0.12);
    expect(worst(256, 1 << 20, 1)).toBeLessThanOrEqual(0.063);
    expect(worst(65_536, 64 * 2 ** 20, 997)).toBeLessThanOrEqual(0.032);
  });

  it('leaves few buckets: the 2^20 lengths of one octave above 64 KiB fall into 33 (steps of 32 KiB)', () => {
    const buckets = new Set<number>();
    for (let length = 2 ** 20; length < 2 ** 21; length++) buckets.add(padme(length));
    expect(buckets.size).toBe(33);
  });

  it('refuses a length that is not a non-negative safe integer (programmer error)', () => {
    expect(() => padme(-1)).toThrow(RangeError);
    expect(() => padme(1.5)).toThrow(RangeError);
  });
});

const ad = utf8('photo:pad');
const small = { chunkSize: 64 };

/** A v2 blob sealed by hand from `stream` (length prefix, data and padding as given): what a key holder could write. */
function handSealedBlob(key: PhotoKey, stream: Uint8Array, chunkSize = 64): Uint8Array {
  const s = sodium();
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  const parts = [Uint8Array.of(0x02), header];
  const chunks = Math.max(1, Math.ceil(stream.length / chunkSize));
  for (let i = 0; i < chunks; i++) {
    const tag = i === chunks - 1 ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    parts.push(s.crypto_secretstream_xchacha20poly1305_push(state, stream.subarray(i * chunkSize, (i + 1) * chunkSize), concatBytes(Uint8Array.of(0x02), ad), tag));
  }
  return concatBytes(...parts);
}

function stream(length: number, data: Uint8Array, total: number): Uint8Array {
  const out = new Uint8Array(total);
  out.set(u64be(length));
  out.set(data, 8);
  return out;
}

describe('blob v2 padding', () => {
  it('the hand-sealed reference with the right padding opens (so the failures below are the padding)', () => {
    const key = randomPhotoKey();
    const data = randomBytes(300);
    const blob = handSealedBlob(key, stream(300, data, paddedBlobPlainBytes(300, small)));
    expectSameBytes(expectOk(decryptBlob(key, blob, ad, small)), data);
    expectSameBytes(blob.subarray(0, 1), encryptBlob(key, data, ad, small).subarray(0, 1));
  });

  it('E_PADDING: non-zero padding, too much or too little padding, a length past the end, no room for a length', () => {
    const key = randomPhotoKey();
    const data = randomBytes(300);
    const total = paddedBlobPlainBytes(300, small);
    const dirty = stream(300, data, total);
    dirty[total - 1] = 1;
    expectCode(decryptBlob(key, handSealedBlob(key, dirty), ad, small), 'E_PADDING');
    expectCode(decryptBlob(key, handSealedBlob(key, stream(300, data, total + 64)), ad, small), 'E_PADDING');
    expectCode(decryptBlob(key, handSealedBlob(key, stream(300, data, 308)), ad, small), 'E_PADDING');
    expectCode(decryptBlob(key, handSealedBlob(key, stream(10_000, data, total)), ad, small), 'E_PADDING');
    expectCode(decryptBlob(key, handSealedBlob(key, new Uint8Array(5)), ad, small), 'E_PADDING');
  });

  it('a v2 blob relabelled v1 (to be read without unpadding) fails authentication', () => {
    const key = randomPhotoKey();
    const blob = encryptBlob(key, randomBytes(300), ad, small);
    const relabelled = blob.slice();
    relabelled[0] = 0x01;
    expectCode(decryptBlob(key, relabelled, ad, small), 'E_DECRYPT');
    expect(blob.length).toBeGreaterThan(BLOB_HEADER_BYTES);
  });
});

describe('envelope v3 padding', () => {
  const context: EnvelopeContext = { notebookId: 'nb', writerId: 'w', seq: 3, purpose: 'update' };

  /** A v3 envelope sealed by hand around `inner` (signer, signature, length, update, padding as given). */
  function handSealedEnvelope(key: Uint8Array, keyIdBytes: Uint8Array, inner: Uint8Array): Uint8Array {
    const header = concatBytes(Uint8Array.of(0x03, 0x01), keyIdBytes);
    const aeadKey = deriveSubkey(key, 'obscura/envelope/v3/aead-key');
    const aad = concatBytes(lengthPrefixed(utf8('obscura/envelope/v3/aead')), header, encodeEnvelopeContext(context));
    return concatBytes(header, sealAead(aeadKey, inner, aad));
  }

  it('E_PADDING: an envelope whose padding is not zero, not its bucket, or whose length runs past its end', () => {
    const key = randomNotebookKey();
    const keyIdBytes = randomBytes(16);
    // 60 + 158 = 218 bytes: 6 bytes of padding up to the bucket 224.
    const update = randomBytes(60);
    const signerAndSignature = randomBytes(96);
    const padTo = (length: number, total: number, body = update) => {
      const inner = new Uint8Array(total - 18 - 40);
      inner.set(signerAndSignature);
      inner.set(u32be(length), 96);
      inner.set(body, 100);
      return inner;
    };
    const bucket = paddedEnvelopeBytes(60);
    expect(bucket).toBe(224);
    const dirty = padTo(60, bucket);
    dirty[dirty.length - 1] = 7;
    expectCode(openEnvelope(handSealedEnvelope(key, keyIdBytes, dirty), { key, context }), 'E_PADDING');
    expectCode(openEnvelope(handSealedEnvelope(key, keyIdBytes, padTo(60, padme(bucket + 1))), { key, context }), 'E_PADDING');
    expectCode(openEnvelope(handSealedEnvelope(key, keyIdBytes, padTo(5000, bucket)), { key, context }), 'E_PADDING');
    // The right padding gets past the padding check (and fails only the made-up signature).
    expectCode(openEnvelope(handSealedEnvelope(key, keyIdBytes, padTo(60, bucket)), { key, context }), 'E_SIGNATURE');
  });

  it('a sealed envelope is exactly the bucket of its update', () => {
    const key = randomNotebookKey();
    for (const n of [0, 1, 66, 67, 500, 4096]) {
      const env = sealEnvelope({ key, keyId: newKeyId(), context, plaintext: randomBytes(n), signer: generateSigningKeyPair() });
      expect(env.length).toBe(paddedEnvelopeBytes(n));
    }
  });
});
