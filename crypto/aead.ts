// XChaCha20-Poly1305-IETF with a random 24-byte nonce: at that size random
// nonces are safe for any number of messages under one key, so no counter has
// to be kept in sync across devices.
import { concatBytes } from './encoding.ts';
import { randomBytes } from './keys.ts';
import { fail, ok, type Result } from './result.ts';
import { sodium } from './sodium.ts';

export const AEAD_NONCE_BYTES = 24;
export const AEAD_TAG_BYTES = 16;
/** Bytes sealAead adds to the plaintext. */
export const AEAD_OVERHEAD = AEAD_NONCE_BYTES + AEAD_TAG_BYTES;

/** Returns nonce || ciphertext || tag. */
export function sealAead(key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  const s = sodium();
  const nonce = randomBytes(AEAD_NONCE_BYTES);
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
  return concatBytes(nonce, ciphertext);
}

export function openAead(key: Uint8Array, sealed: Uint8Array, ad: Uint8Array): Result<Uint8Array> {
  if (sealed.length < AEAD_OVERHEAD) return fail('E_TRUNCATED', 'AEAD ciphertext shorter than nonce + tag');
  const s = sodium();
  try {
    const nonce = sealed.subarray(0, AEAD_NONCE_BYTES);
    const ciphertext = sealed.subarray(AEAD_NONCE_BYTES);
    return ok(s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key));
  } catch {
    // libsodium throws one generic error for a wrong key, wrong AD or any modified byte.
    return fail('E_DECRYPT', 'AEAD authentication failed');
  }
}
