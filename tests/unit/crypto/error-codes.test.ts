// One test per CryptoErrorCode, named after the code, as listed in crypto/ERRORS.md.
// The other test files cover each code more broadly; these pin the contract.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BLOB_CHUNK_ABYTES,
  BLOB_HEADER_BYTES,
  BLOB_VERSION,
  concatBytes,
  createVault,
  decodeVaultHeader,
  decryptBlob,
  derivePassphraseKeyWithFallback,
  encryptBlob,
  fail,
  generateSigningKeyPair,
  newKeyId,
  openEnvelope,
  openEnvelopeWithKeys,
  paddedBlobPlainBytes,
  randomBytes,
  randomNotebookKey,
  randomPhotoKey,
  sealEnvelope,
  sodium,
  sodiumReady,
  u64be,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
  utf8,
  verifyContentHash,
  contentHash,
  type EnvelopeContext,
  type NotebookKey,
  type VaultHeader,
} from '../../../crypto/index.ts';
import { expectCode, FAST_PWHASH, flipped } from './helpers.ts';

const context: EnvelopeContext = { notebookId: 'nb', writerId: 'w', seq: 1, purpose: 'update' };
let key: NotebookKey;
let envelope: Uint8Array;
let vault: { header: VaultHeader; recoveryKey: string };

beforeAll(async () => {
  await sodiumReady();
  key = randomNotebookKey();
  envelope = sealEnvelope({ key, keyId: newKeyId(), context, plaintext: utf8('x'), signer: generateSigningKeyPair() });
  vault = await createVault('right', FAST_PWHASH);
});

describe('error codes', () => {
  it('E_DECRYPT: an envelope opened with the wrong key is rejected', () => {
    expectCode(openEnvelope(envelope, { key: randomNotebookKey(), context }), 'E_DECRYPT');
  });

  it('E_SIGNATURE: an envelope signed by another key holder than the one expected is rejected', () => {
    expectCode(openEnvelope(envelope, { key, context, signerPublicKey: generateSigningKeyPair().publicKey }), 'E_SIGNATURE');
  });

  it('E_PASSPHRASE: wrong passphrase is rejected', async () => {
    expectCode(await unlockWithPassphrase(vault.header, 'wrong'), 'E_PASSPHRASE');
  });

  it('E_PADDING: a blob whose padding is not zero is rejected', () => {
    const photoKey = randomPhotoKey();
    const s = sodium();
    // Sealed by hand as a key holder could: length 3, data, then padding that is not zero.
    const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(photoKey);
    const plain = new Uint8Array(paddedBlobPlainBytes(3));
    plain.set(u64be(3));
    plain[plain.length - 1] = 1;
    const chunk = s.crypto_secretstream_xchacha20poly1305_push(state, plain, concatBytes(Uint8Array.of(BLOB_VERSION), utf8('ad')), s.crypto_secretstream_xchacha20poly1305_TAG_FINAL);
    expectCode(decryptBlob(photoKey, concatBytes(Uint8Array.of(BLOB_VERSION), header, chunk), utf8('ad')), 'E_PADDING');
  });

  it('E_TRUNCATED: a blob missing its final chunk is rejected', () => {
    const photoKey = randomPhotoKey();
    const blob = encryptBlob(photoKey, randomBytes(300), utf8('ad'), { chunkSize: 100 });
    const headerAndTwoChunks = BLOB_HEADER_BYTES + 2 * (100 + BLOB_CHUNK_ABYTES);
    expectCode(decryptBlob(photoKey, blob.subarray(0, headerAndTwoChunks), utf8('ad'), { chunkSize: 100 }), 'E_TRUNCATED');
  });

  it('E_FORMAT: a vault header that is not JSON is rejected', () => {
    expectCode(decodeVaultHeader(utf8('{"format": not json')), 'E_FORMAT');
  });

  it('E_VERSION: an envelope with an unknown version byte is rejected', () => {
    expectCode(openEnvelope(flipped(envelope, 0, 0x04), { key, context }), 'E_VERSION');
  });

  it('E_CONTEXT: an update envelope opened as a snapshot is rejected', () => {
    expectCode(openEnvelope(envelope, { key, context: { ...context, purpose: 'snapshot' } }), 'E_CONTEXT');
  });

  it('E_KEY_UNKNOWN: an envelope naming a key we do not hold is rejected', () => {
    expectCode(openEnvelopeWithKeys(envelope, { lookup: () => undefined, context }), 'E_KEY_UNKNOWN');
  });

  it('E_RECOVERY_KEY: a recovery key with a typo is rejected before any decryption', async () => {
    const typo = vault.recoveryKey.slice(0, 5) + (vault.recoveryKey[5] === 'A' ? 'B' : 'A') + vault.recoveryKey.slice(6);
    expectCode(await unlockWithRecoveryKey(vault.header, typo), 'E_RECOVERY_KEY');
  });

  it('E_HASH_MISMATCH: a blob that is not the one its id names is rejected', () => {
    const blob = randomBytes(100);
    expect(verifyContentHash(blob, contentHash(blob)).ok).toBe(true);
    expectCode(verifyContentHash(flipped(blob, 7, 1), contentHash(blob)), 'E_HASH_MISMATCH');
  });

  it('E_OUT_OF_MEMORY: Argon2id that cannot run on this device is reported, not thrown', async () => {
    const noMemory = () => fail<Uint8Array>('E_OUT_OF_MEMORY', 'simulated');
    expectCode(derivePassphraseKeyWithFallback('pw', randomBytes(16), undefined, noMemory), 'E_OUT_OF_MEMORY');
    // A header asking for more memory than wasm32 libsodium can address (2 GiB - 1 MiB).
    const greedy: VaultHeader = { ...vault.header, passphrase: { ...vault.header.passphrase, memlimit: 2047 * 1024 * 1024 } };
    expectCode(await unlockWithPassphrase(greedy, 'right'), 'E_OUT_OF_MEMORY');
  });
});
