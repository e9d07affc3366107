// Public API of crypto/. Callers import from here, never from libsodium.
export { sodiumReady, sodium, type Sodium } from './sodium.ts';
export { ok, fail, forward, CryptoFailure, CRYPTO_ERROR_CODES, type CryptoErrorCode, type CryptoError, type CodedError, type Result } from './result.ts';
export {
  toBase64Url,
  fromBase64Url,
  toHex,
  fromHex,
  utf8,
  fromUtf8,
  fromUtf8Strict,
  concatBytes,
  u32be,
  readU32be,
  u64be,
  readU64be,
  lengthPrefixed,
  bytesEqual,
} from './encoding.ts';
export {
  KEY_BYTES,
  KEY_ID_BYTES,
  randomBytes,
  wipe,
  asVaultKey,
  asNotebookKey,
  asPhotoKey,
  randomVaultKey,
  randomNotebookKey,
  randomPhotoKey,
  generateSigningKeyPair,
  signingKeyPairFromSeed,
  generateBoxKeyPair,
  boxKeyPairFromSeed,
  newKeyId,
  type SymmetricKey,
  type VaultKey,
  type NotebookKey,
  type PhotoKey,
  type SigningKeyPair,
  type BoxKeyPair,
} from './keys.ts';
export { sealAead, openAead, AEAD_NONCE_BYTES, AEAD_TAG_BYTES, AEAD_OVERHEAD } from './aead.ts';
export { sign, verifySignature, SIGNATURE_BYTES, SIGNING_PUBLIC_KEY_BYTES } from './signature.ts';
export { sealToPublicKey, openSealedBox, SEALED_BOX_OVERHEAD } from './box-seal.ts';
export {
  ENVELOPE_VERSION,
  ENVELOPE_V2,
  ENVELOPE_V1,
  ENVELOPE_PURPOSES,
  ENVELOPE_HEADER_BYTES,
  ENVELOPE_V1_HEADER_BYTES,
  ENVELOPE_OVERHEAD,
  ENVELOPE_V3_OVERHEAD,
  paddedEnvelopeBytes,
  readEnvelopeHeader,
  encodeEnvelopeContext,
  type EnvelopePurpose,
  type EnvelopeContext,
  type EnvelopeHeader,
} from './envelope-format.ts';
export { sealEnvelope, openEnvelope, openEnvelopeWithKeys, verifyEnvelopeSignature, type OpenedEnvelope, type OpenEnvelopeArgs } from './envelope.ts';
export {
  BLOB_VERSION,
  BLOB_V1,
  BLOB_LENGTH_BYTES,
  BLOB_CHUNK_PLAIN,
  BLOB_CHUNK_ABYTES,
  BLOB_CHUNK_CIPHER,
  BLOB_HEADER_BYTES,
  createBlobEncryptor,
  createBlobDecryptor,
  encryptBlob,
  decryptBlob,
  blobCipherBytes,
  paddedBlobPlainBytes,
  paddedBlobBytes,
  type BlobOptions,
  type BlobEncryptor,
  type BlobDecryptor,
} from './blob-stream.ts';
export { padme, isPadmeBucket } from './padme.ts';
export { HASH_BYTES, deriveId, deriveSubkey, createContentHasher, contentHash, verifyContentHash, type ContentHasher } from './hash.ts';
export { MAC_BYTES, mac, verifyMac } from './mac.ts';
export { RECOVERY_KEY_BYTES, formatRecoveryKey, parseRecoveryKey } from './recovery-key.ts';
export {
  DEFAULT_PWHASH_PARAMS,
  PWHASH_SALT_BYTES,
  pwhashFallbackLadder,
  derivePassphraseKey,
  derivePassphraseKeyWithFallback,
  type PwhashParams,
  type PassphraseKdf,
} from './pwhash.ts';
export {
  createVault,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
  changePassphrase,
  regenerateRecoveryKey,
  type VaultHeader,
} from './vault-header.ts';
export { encodeVaultHeader, decodeVaultHeader } from './vault-header-codec.ts';
export { wrapLinkedVaultKey } from './linked-vault-header.ts';
export { BACKUP_SEAL_PURPOSE, sealBackup, verifyBackupSeal } from './backup-seal.ts';
