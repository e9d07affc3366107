import { beforeAll, describe, expect, it } from 'vitest';
import {
  asNotebookKey,
  bytesEqual,
  concatBytes,
  contentHash,
  createContentHasher,
  deriveId,
  fromBase64Url,
  fromHex,
  fromUtf8,
  fromUtf8Strict,
  generateBoxKeyPair,
  generateSigningKeyPair,
  newKeyId,
  openAead,
  openSealedBox,
  randomBytes,
  randomNotebookKey,
  randomPhotoKey,
  randomVaultKey,
  readU32be,
  readU64be,
  sealAead,
  sealToPublicKey,
  sign,
  sodium,
  sodiumReady,
  toBase64Url,
  toHex,
  u32be,
  u64be,
  utf8,
  verifySignature,
  wipe,
  AEAD_OVERHEAD,
  SEALED_BOX_OVERHEAD,
} from '../../../crypto/index.ts';
import { expectCode, expectOk } from './helpers.ts';

beforeAll(async () => {
  await sodiumReady();
});

describe('sodium', () => {
  it('is ready and idempotent', async () => {
    await sodiumReady();
    expect(typeof sodium().crypto_pwhash).toBe('function');
  });
});

describe('encoding', () => {
  it('round-trips base64url, hex, utf8 and integers', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = randomBytes(n);
      const b64 = toBase64Url(bytes);
      expect(b64).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(expectOk(fromBase64Url(b64))).toEqual(bytes);
      expect(expectOk(fromHex(toHex(bytes)))).toEqual(bytes);
    }
    expect(fromUtf8(utf8('naïve 📷'))).toBe('naïve 📷');
    expect(readU32be(u32be(0xdeadbeef), 0)).toBe(0xdeadbeef);
    expect(readU64be(u64be(Number.MAX_SAFE_INTEGER), 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(readU64be(new Uint8Array(8).fill(0xff), 0)).toBeNull();
    expect(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))).toEqual(Uint8Array.of(1, 2, 3));
    expect(() => u64be(-1)).toThrow(RangeError);
  });

  it('rejects padded, non-canonical or foreign base64 and invalid UTF-8 as E_FORMAT', () => {
    for (const bad of ['AA==', 'A', 'AB', 'a+b/', 'ab c', 'AAB']) expectCode(fromBase64Url(bad), 'E_FORMAT');
    expectCode(fromHex('abc'), 'E_FORMAT');
    expectCode(fromUtf8Strict(Uint8Array.of(0xc3, 0x28)), 'E_FORMAT');
  });
});

describe('keys', () => {
  it('makes 32-byte keys, 22-char key ids, and refuses wrong lengths', () => {
    for (const key of [randomVaultKey(), randomNotebookKey(), randomPhotoKey()]) expect(key.length).toBe(32);
    const id = newKeyId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newKeyId()).not.toBe(id);
    expect(() => asNotebookKey(new Uint8Array(31))).toThrow(TypeError);
    const key = randomNotebookKey();
    wipe(key);
    expect(key.every((b) => b === 0)).toBe(true);
  });
});

describe('aead', () => {
  it('round-trips and adds exactly nonce + tag', () => {
    const key = randomNotebookKey();
    for (const n of [0, 1, 1000]) {
      const plain = randomBytes(n);
      const sealed = sealAead(key, plain, utf8('ad'));
      expect(sealed.length).toBe(n + AEAD_OVERHEAD);
      expect(expectOk(openAead(key, sealed, utf8('ad')))).toEqual(plain);
    }
  });

  it('fails on wrong key, wrong AD, flipped byte and short input', () => {
    const key = randomNotebookKey();
    const sealed = sealAead(key, utf8('secret'), utf8('ad'));
    expectCode(openAead(randomNotebookKey(), sealed, utf8('ad')), 'E_DECRYPT');
    expectCode(openAead(key, sealed, utf8('AD')), 'E_DECRYPT');
    for (let i = 0; i < sealed.length; i++) {
      const bad = sealed.slice();
      bad[i] = (bad[i] ?? 0) ^ 1;
      expectCode(openAead(key, bad, utf8('ad')), 'E_DECRYPT');
    }
    expectCode(openAead(key, sealed.subarray(0, AEAD_OVERHEAD - 1), utf8('ad')), 'E_TRUNCATED');
    expectCode(openAead(new Uint8Array(3), sealed, utf8('ad')), 'E_DECRYPT');
  });
});

describe('signatures and sealed boxes', () => {
  it('signs and verifies; verify never throws', () => {
    const kp = generateSigningKeyPair();
    const sig = sign(kp.secretKey, utf8('msg'));
    expect(verifySignature(kp.publicKey, utf8('msg'), sig)).toBe(true);
    expect(verifySignature(kp.publicKey, utf8('msh'), sig)).toBe(false);
    expect(verifySignature(generateSigningKeyPair().publicKey, utf8('msg'), sig)).toBe(false);
    expect(verifySignature(new Uint8Array(5), utf8('msg'), sig)).toBe(false);
    expect(verifySignature(kp.publicKey, utf8('msg'), sig.subarray(1))).toBe(false);
  });

  it('seals to a public key and only that key pair opens it', () => {
    const alice = generateBoxKeyPair();
    const key = randomNotebookKey();
    const sealed = sealToPublicKey(alice.publicKey, key);
    expect(sealed.length).toBe(32 + SEALED_BOX_OVERHEAD);
    expect(expectOk(openSealedBox(alice, sealed))).toEqual(key);
    expectCode(openSealedBox(generateBoxKeyPair(), sealed), 'E_DECRYPT');
    expectCode(openSealedBox(alice, sealed.subarray(0, 10)), 'E_TRUNCATED');
  });
});

describe('hash', () => {
  it('matches the BLAKE2b-256 reference value and streams identically', () => {
    expect(contentHash(utf8('abc'))).toBe('bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319');
    const data = randomBytes(100_000);
    const hasher = createContentHasher();
    for (let i = 0; i < data.length; i += 7_777) hasher.update(data.subarray(i, i + 7_777));
    expect(hasher.digest()).toBe(contentHash(data));
    expect(() => hasher.digest()).toThrow();
  });

  it('derives ids that depend on key, purpose and input', () => {
    const key = randomNotebookKey();
    const id = deriveId(key, 'room', 'notebook-1');
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(deriveId(key, 'room', 'notebook-1')).toBe(id);
    expect(deriveId(key, 'room', 'notebook-2')).not.toBe(id);
    expect(deriveId(key, 'blob', 'notebook-1')).not.toBe(id);
    expect(deriveId(randomNotebookKey(), 'room', 'notebook-1')).not.toBe(id);
    expect(bytesEqual(expectOk(fromBase64Url(id)), expectOk(fromBase64Url(id)))).toBe(true);
  });
});
