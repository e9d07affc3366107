// BLAKE2b-256 (crypto_generichash): keyed for identifiers a server may see
// (room ids), unkeyed for content-addressing ciphertext blobs.
import { concatBytes, lengthPrefixed, toBase64Url, toHex, utf8 } from './encoding.ts';
import { fail, ok, type Result } from './result.ts';
import { sodium } from './sodium.ts';

export const HASH_BYTES = 32;
const DERIVE_ID_DOMAIN = lengthPrefixed(utf8('obscura/derive-id/v1'));

/**
 * Keyed BLAKE2b-256 of `input` under a per-purpose subkey, as base64url (43 chars).
 * Note: subkey = BLAKE2b-256(key = key, msg = lp("obscura/derive-id/v1") || lp(purpose)),
 * id = BLAKE2b-256(key = subkey, msg = utf8(input)). Separate subkeys mean an id
 * derived for one purpose never equals, or predicts, the id for another purpose.
 */
export function deriveId(key: Uint8Array, purpose: string, input: string): string {
  const s = sodium();
  const subkey = s.crypto_generichash(HASH_BYTES, concatBytes(DERIVE_ID_DOMAIN, lengthPrefixed(utf8(purpose))), key);
  const id = s.crypto_generichash(HASH_BYTES, utf8(input), subkey);
  s.memzero(subkey);
  return toBase64Url(id);
}

/**
 * A 32-byte key for one purpose, derived from `key` (keyed BLAKE2b-256 over lp(purpose)).
 * Note: a notebook or vault key is used only through subkeys like this (and deriveId), so no
 * key is ever both an AEAD key and a hash key. The caller wipes the result after use.
 */
export function deriveSubkey(key: Uint8Array, purpose: string): Uint8Array {
  return sodium().crypto_generichash(HASH_BYTES, concatBytes(lengthPrefixed(utf8('obscura/subkey/v1')), lengthPrefixed(utf8(purpose))), key);
}

export interface ContentHasher {
  update(bytes: Uint8Array): void;
  /** Lowercase hex, 64 chars. The hasher cannot be used afterwards. */
  digest(): string;
}

/** Unkeyed streaming BLAKE2b-256, so a blob's id can be computed while it is written. */
export function createContentHasher(): ContentHasher {
  const s = sodium();
  const state = s.crypto_generichash_init(null, HASH_BYTES);
  let done = false;
  return {
    update(bytes) {
      if (done) throw new Error('content hasher: update after digest');
      s.crypto_generichash_update(state, bytes);
    },
    digest() {
      // libsodium frees the state on final; a second call would read freed memory.
      if (done) throw new Error('content hasher: digest called twice');
      done = true;
      return toHex(s.crypto_generichash_final(state, HASH_BYTES));
    },
  };
}

export function contentHash(bytes: Uint8Array): string {
  return toHex(sodium().crypto_generichash(HASH_BYTES, bytes, null));
}

/** For whoever receives a blob by its id (the relay, a peer): E_HASH_MISMATCH if it is not that blob. */
export function verifyContentHash(bytes: Uint8Array, expectedHex: string): Result<void> {
  const actual = contentHash(bytes);
  return actual === expectedHex.toLowerCase()
    ? ok(undefined)
    : fail('E_HASH_MISMATCH', `content hash ${actual} does not match ${expectedHex}`);
}
