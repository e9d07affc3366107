import { beforeAll, describe, expect, it } from 'vitest';
import {
  concatBytes,
  deriveSubkey,
  encodeEnvelopeContext,
  ENVELOPE_OVERHEAD,
  ENVELOPE_V3_OVERHEAD,
  isPadmeBucket,
  lengthPrefixed,
  padme,
  openAead,
  sealAead,
  utf8,
  generateSigningKeyPair,
  newKeyId,
  openEnvelope,
  openEnvelopeWithKeys,
  randomBytes,
  randomNotebookKey,
  readEnvelopeHeader,
  sealEnvelope,
  sodiumReady,
  type EnvelopeContext,
  type NotebookKey,
  type SigningKeyPair,
} from '../../../crypto/index.ts';
import { expectCode, expectOk, FLIP_MASKS, flipped } from './helpers.ts';

const context: EnvelopeContext = { notebookId: 'nb-1', writerId: 'device-a', seq: 7, purpose: 'update' };
let key: NotebookKey;
let keyId: string;
let signer: SigningKeyPair;
let plaintext: Uint8Array;
let sealed: Uint8Array;

beforeAll(async () => {
  await sodiumReady();
  key = randomNotebookKey();
  keyId = newKeyId();
  signer = generateSigningKeyPair();
  plaintext = randomBytes(64);
  sealed = sealEnvelope({ key, keyId, context, plaintext, signer });
});

describe('envelope round trip', () => {
  it('opens with the right key and context and reports key id and signer', () => {
    const opened = expectOk(openEnvelope(sealed, { key, context }));
    expect(opened.plaintext).toEqual(plaintext);
    expect(opened.keyId).toBe(keyId);
    expect(opened.signerPublicKey).toEqual(signer.publicKey);
    // v3 pads the update inside the AEAD: 64 + 158 = 222 bytes round up to the bucket 224.
    expect(sealed.length).toBe(padme(plaintext.length + ENVELOPE_V3_OVERHEAD));
    expect(sealed.length).toBe(224);
    expect([ENVELOPE_OVERHEAD, ENVELOPE_V3_OVERHEAD]).toEqual([154, 158]);
    for (const n of [0, 1, 100, 1000, 5000, 70_000]) {
      const env = sealEnvelope({ key, keyId, context, plaintext: randomBytes(n), signer });
      expect(isPadmeBucket(env.length), `${n} bytes → ${env.length}`).toBe(true);
      expect(expectOk(openEnvelope(env, { key, context })).plaintext.length).toBe(n);
    }
  });

  it('round-trips every purpose, empty plaintext and a large seq', () => {
    for (const purpose of ['update', 'snapshot', 'vault-update', 'vault-snapshot'] as const) {
      const ctx = { ...context, purpose, seq: Number.MAX_SAFE_INTEGER };
      const env = sealEnvelope({ key, keyId, context: ctx, plaintext: new Uint8Array(0), signer });
      expect(expectOk(openEnvelope(env, { key, context: ctx })).plaintext.length).toBe(0);
      expect(expectOk(readEnvelopeHeader(env)).purpose).toBe(purpose);
    }
  });

  it('readEnvelopeHeader gives version and key id without a key, and no signer: v3 hides it in the ciphertext', () => {
    const header = expectOk(readEnvelopeHeader(sealed));
    expect(header.version).toBe(3);
    expect(header.keyId).toBe(keyId);
    expect(header.signerPublicKey).toBeUndefined();
    expect(Buffer.from(sealed).includes(Buffer.from(signer.publicKey))).toBe(false);
  });

  it('openEnvelopeWithKeys picks the key by id', () => {
    const other = randomNotebookKey();
    const keys = new Map([[keyId, key], [newKeyId(), other]]);
    expect(expectOk(openEnvelopeWithKeys(sealed, { lookup: (id) => keys.get(id), context })).plaintext).toEqual(plaintext);
  });

  it('refuses to seal with a malformed key id or context (programmer errors throw)', () => {
    expect(() => sealEnvelope({ key, keyId: 'short', context, plaintext, signer })).toThrow(TypeError);
    expect(() => sealEnvelope({ key, keyId, context: { ...context, seq: -1 }, plaintext, signer })).toThrow(TypeError);
  });
});

describe('envelope moved or tampered', () => {
  it('fails in another notebook, for another writer or at another seq (E_DECRYPT: the AEAD binds the place)', () => {
    expectCode(openEnvelope(sealed, { key, context: { ...context, notebookId: 'nb-2' } }), 'E_DECRYPT');
    expectCode(openEnvelope(sealed, { key, context: { ...context, writerId: 'device-b' } }), 'E_DECRYPT');
    expectCode(openEnvelope(sealed, { key, context: { ...context, seq: 8 } }), 'E_DECRYPT');
  });

  it('fails under another purpose (E_CONTEXT)', () => {
    expectCode(openEnvelope(sealed, { key, context: { ...context, purpose: 'snapshot' } }), 'E_CONTEXT');
  });

  it('fails with a swapped key id or sealed by someone without the key (E_DECRYPT); signed by another key holder (E_SIGNATURE)', () => {
    const swapped = sealed.slice();
    swapped.set(randomBytes(16), 2);
    expectCode(openEnvelope(swapped, { key, context }), 'E_DECRYPT');
    expectCode(openEnvelope(sealed, { key, context, keyId: newKeyId() }), 'E_CONTEXT');
    const forged = sealEnvelope({ key: randomNotebookKey(), keyId, context, plaintext, signer: generateSigningKeyPair() });
    expectCode(openEnvelope(forged, { key, context }), 'E_DECRYPT');
    const byAnother = sealEnvelope({ key, keyId, context, plaintext, signer: generateSigningKeyPair() });
    expectCode(openEnvelope(byAnother, { key, context, signerPublicKey: signer.publicKey }), 'E_SIGNATURE');
  });

  it('E_SIGNATURE: a key holder who changes the update and encrypts it again under the same signature is caught', () => {
    const aeadKey = deriveSubkey(key, 'obscura/envelope/v3/aead-key');
    const header = sealed.subarray(0, 18);
    const ad = concatBytes(lengthPrefixed(utf8('obscura/envelope/v3/aead')), header, encodeEnvelopeContext(context));
    const inner = expectOk(openAead(aeadKey, sealed.subarray(18), ad));
    // The update's last byte (signer 32, signature 64, length 4, then the update).
    const last = 32 + 64 + 4 + plaintext.length - 1;
    inner[last] = (inner[last] as number) ^ 1;
    expectCode(openEnvelope(concatBytes(header, sealAead(aeadKey, inner, ad)), { key, context }), 'E_SIGNATURE');
  });

  it('fails with the wrong key (E_DECRYPT)', () => {
    expectCode(openEnvelope(sealed, { key: randomNotebookKey(), context }), 'E_DECRYPT');
  });

  it('rejects every single-byte flip (xor 0x01 and 0xff) at every position', () => {
    const codes = new Map<string, number>();
    for (let i = 0; i < sealed.length; i++) {
      for (const mask of FLIP_MASKS) {
        const result = openEnvelope(flipped(sealed, i, mask), { key, context });
        expect(result.ok, `byte ${i} ^ ${mask} was accepted`).toBe(false);
        if (!result.ok) codes.set(result.error.code, (codes.get(result.error.code) ?? 0) + 1);
      }
    }
    // Everything after the version and purpose bytes (key id included: it is associated data) fails the AEAD.
    expect([...codes.keys()].sort()).toEqual(['E_DECRYPT', 'E_FORMAT', 'E_VERSION']);
  });

  it('rejects every truncation and appended bytes', () => {
    for (let n = 0; n < sealed.length; n++) {
      const result = openEnvelope(sealed.subarray(0, n), { key, context });
      expect(result.ok).toBe(false);
      if (n < ENVELOPE_OVERHEAD) expectCode(result, 'E_TRUNCATED');
    }
    const appended = new Uint8Array(sealed.length + 1);
    appended.set(sealed);
    expectCode(openEnvelope(appended, { key, context }), 'E_DECRYPT');
  });

  it('rejects an unknown version and a malformed context without throwing', () => {
    expectCode(openEnvelope(flipped(sealed, 0, 0x04), { key, context }), 'E_VERSION');
    expectCode(readEnvelopeHeader(Uint8Array.of(4)), 'E_VERSION');
    expectCode(openEnvelope(sealed, { key, context: { ...context, seq: 1.5 } }), 'E_CONTEXT');
  });
});
