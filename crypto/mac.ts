// Keyed BLAKE2b-256 as a MAC, for bytes that must prove they come from a key holder
// (the encrypted backup's seal) without being encrypted.
import { bytesEqual } from './encoding.ts';
import { HASH_BYTES } from './hash.ts';
import { sodium } from './sodium.ts';

export const MAC_BYTES = HASH_BYTES;

/**
 * BLAKE2b-256(key = key, msg = message). Note: `key` must be a subkey for this one purpose
 * (deriveSubkey), never a vault or notebook key itself, and `message` should start with a
 * length-prefixed domain string of its format.
 */
export function mac(key: Uint8Array, message: Uint8Array): Uint8Array {
  if (key.length !== HASH_BYTES) throw new TypeError(`mac key must be ${HASH_BYTES} bytes`);
  return sodium().crypto_generichash(MAC_BYTES, message, key);
}

/** Constant-time check of a tag made by `mac`; false for a tag of another length. */
export function verifyMac(key: Uint8Array, message: Uint8Array, tag: Uint8Array): boolean {
  const expected = mac(key, message);
  const same = bytesEqual(expected, tag);
  sodium().memzero(expected);
  return same;
}
