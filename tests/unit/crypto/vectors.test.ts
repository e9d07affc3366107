// Stored ciphertexts from tests/fixtures/crypto/vectors.json must keep opening:
// this is what proves the byte formats (v1 and every later version) have not drifted.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  asNotebookKey,
  asPhotoKey,
  boxKeyPairFromSeed,
  contentHash,
  decodeVaultHeader,
  decryptBlob,
  deriveId,
  formatRecoveryKey,
  fromHex,
  fromUtf8,
  openEnvelope,
  openSealedBox,
  paddedBlobBytes,
  paddedEnvelopeBytes,
  parseRecoveryKey,
  readEnvelopeHeader,
  sign,
  signingKeyPairFromSeed,
  sodiumReady,
  toBase64Url,
  toHex,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
  utf8,
} from '../../../crypto/index.ts';
import { pattern, VECTOR_INPUTS as V } from '../../fixtures/crypto/vector-inputs.ts';
import { expectOk } from './helpers.ts';

interface Vectors {
  envelopeV1: { signerPublicKey: string; hex: string };
  envelopeV2: { signerPublicKey: string; hex: string };
  envelopeV3: { signerPublicKey: string; hex: string };
  blobV1SmallChunks: { hex: string };
  blobV1DefaultChunks: { hex: string };
  blobV2SmallChunks: { hex: string };
  blobV2DefaultChunks: { hex: string };
  vaultHeaderV1: { json: string; vaultKey: string; recoveryKey: string };
  deterministic: { recoveryKey: string; roomId: string; envelopeContentHash: string; signature: string };
  sealedBox: { boxPublicKey: string; hex: string };
}

const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/crypto/vectors.json', import.meta.url), 'utf8'),
) as Vectors;
const hex = (s: string): Uint8Array => expectOk(fromHex(s));

beforeAll(async () => {
  await sodiumReady();
});

describe('stored test vectors (format v1, and v2 and v3 where they exist)', () => {
  it('opens the stored v3 envelope (padded to its bucket); its header names no signer', () => {
    const bytes = hex(vectors.envelopeV3.hex);
    const header = expectOk(readEnvelopeHeader(bytes));
    expect([header.version, header.keyId, header.signerPublicKey]).toEqual([3, toBase64Url(V.keyIdBytes), undefined]);
    expect(bytes.length).toBe(paddedEnvelopeBytes(utf8(V.envelopePlaintext).length));
    const opened = expectOk(openEnvelope(bytes, { key: asNotebookKey(V.notebookKey), context: V.context }));
    expect(fromUtf8(opened.plaintext)).toBe(V.envelopePlaintext);
    expect(toHex(opened.signerPublicKey)).toBe(vectors.envelopeV3.signerPublicKey);
  });

  it('decrypts the stored v2 blobs (padded to their buckets; small and default chunks)', () => {
    const smallBytes = hex(vectors.blobV2SmallChunks.hex);
    expect([smallBytes[0], smallBytes.length]).toEqual([2, paddedBlobBytes(V.smallChunkBlobLength, { chunkSize: V.smallChunkSize })]);
    expect(expectOk(decryptBlob(asPhotoKey(V.photoKey), smallBytes, utf8(V.blobAd), { chunkSize: V.smallChunkSize }))).toEqual(pattern(V.smallChunkBlobLength));
    const fullBytes = hex(vectors.blobV2DefaultChunks.hex);
    expect([fullBytes[0], fullBytes.length]).toEqual([2, paddedBlobBytes(V.defaultBlobLength)]);
    expect(expectOk(decryptBlob(asPhotoKey(V.photoKey), fullBytes, utf8(V.blobAd)))).toEqual(pattern(V.defaultBlobLength));
  });

  it('opens the stored v2 envelope with the fixed key and context; its header names no signer', () => {
    const bytes = hex(vectors.envelopeV2.hex);
    const header = expectOk(readEnvelopeHeader(bytes));
    expect([header.version, header.keyId, header.signerPublicKey]).toEqual([2, toBase64Url(V.keyIdBytes), undefined]);
    const opened = expectOk(openEnvelope(bytes, { key: asNotebookKey(V.notebookKey), context: V.context }));
    expect(fromUtf8(opened.plaintext)).toBe(V.envelopePlaintext);
    expect(toHex(opened.signerPublicKey)).toBe(vectors.envelopeV2.signerPublicKey);
  });

  it('opens the stored envelope with the fixed key and context', () => {
    const bytes = hex(vectors.envelopeV1.hex);
    const header = expectOk(readEnvelopeHeader(bytes));
    expect(header.keyId).toBe(toBase64Url(V.keyIdBytes));
    expect(toHex(header.signerPublicKey ?? new Uint8Array())).toBe(vectors.envelopeV1.signerPublicKey);
    expect(toHex(bytes.subarray(0, 2))).toBe('0101');
    const opened = expectOk(openEnvelope(bytes, { key: asNotebookKey(V.notebookKey), context: V.context }));
    expect(fromUtf8(opened.plaintext)).toBe(V.envelopePlaintext);
    expect(toHex(signingKeyPairFromSeed(V.signerSeed).publicKey)).toBe(vectors.envelopeV1.signerPublicKey);
  });

  it('decrypts the stored blobs (small chunks and default chunks)', () => {
    const small = expectOk(
      decryptBlob(asPhotoKey(V.photoKey), hex(vectors.blobV1SmallChunks.hex), utf8(V.blobAd), { chunkSize: V.smallChunkSize }),
    );
    expect(small).toEqual(pattern(V.smallChunkBlobLength));
    const full = expectOk(decryptBlob(asPhotoKey(V.photoKey), hex(vectors.blobV1DefaultChunks.hex), utf8(V.blobAd)));
    expect(full).toEqual(pattern(V.defaultBlobLength));
  });

  it('unlocks the stored vault header by passphrase and by recovery key', async () => {
    const header = expectOk(decodeVaultHeader(utf8(vectors.vaultHeaderV1.json)));
    expect(toHex(expectOk(await unlockWithPassphrase(header, V.vaultPassphrase)))).toBe(vectors.vaultHeaderV1.vaultKey);
    expect(toHex(expectOk(await unlockWithRecoveryKey(header, vectors.vaultHeaderV1.recoveryKey)))).toBe(
      vectors.vaultHeaderV1.vaultKey,
    );
  });

  it('opens the stored sealed box', () => {
    const box = boxKeyPairFromSeed(V.boxSeed);
    expect(toHex(box.publicKey)).toBe(vectors.sealedBox.boxPublicKey);
    expect(fromUtf8(expectOk(openSealedBox(box, hex(vectors.sealedBox.hex))))).toBe(V.boxPlaintext);
  });

  it('reproduces the deterministic outputs exactly', () => {
    const d = vectors.deterministic;
    expect(formatRecoveryKey(V.recoveryBytes)).toBe(d.recoveryKey);
    expect(expectOk(parseRecoveryKey(d.recoveryKey))).toEqual(V.recoveryBytes);
    expect(deriveId(V.notebookKey, 'room', V.context.notebookId)).toBe(d.roomId);
    expect(contentHash(hex(vectors.envelopeV1.hex))).toBe(d.envelopeContentHash);
    expect(toHex(sign(signingKeyPairFromSeed(V.signerSeed).secretKey, utf8(V.envelopePlaintext)))).toBe(d.signature);
  });
});
