// Branded key types: a NotebookKey cannot be passed where a PhotoKey is wanted
// without an explicit as*Key() at the boundary where the bytes were loaded.
import { toBase64Url } from './encoding.ts';
import { sodium } from './sodium.ts';

export const KEY_BYTES = 32;
export const KEY_ID_BYTES = 16;

export type SymmetricKey<K extends string> = Uint8Array & { readonly __key: K };
export type VaultKey = SymmetricKey<'vault'>;
export type NotebookKey = SymmetricKey<'notebook'>;
export type PhotoKey = SymmetricKey<'photo'>;

export interface SigningKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export interface BoxKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

// Note: libsodium.js's randombytes_buf fetches 4 bytes per getRandomValues call
// (~2 us per byte here, 0.3 s for 150 KB); we call the same CSPRNG directly, in
// the 65,536-byte pieces the Web Crypto API allows per call.
const MAX_RANDOM_PER_CALL = 65536;

export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += MAX_RANDOM_PER_CALL) {
    globalThis.crypto.getRandomValues(out.subarray(off, Math.min(n, off + MAX_RANDOM_PER_CALL)));
  }
  return out;
}

/** Zeroes the bytes in place. Best effort: JS may have copied them elsewhere. */
export function wipe(bytes: Uint8Array): void {
  sodium().memzero(bytes);
}

function brand<K extends string>(bytes: Uint8Array, kind: K): SymmetricKey<K> {
  // A wrong length here is a programmer error (bytes came from our own store), not bad input.
  if (!(bytes instanceof Uint8Array) || bytes.length !== KEY_BYTES) {
    throw new TypeError(`${kind} key must be ${KEY_BYTES} bytes`);
  }
  return bytes as SymmetricKey<K>;
}

export const asVaultKey = (bytes: Uint8Array): VaultKey => brand(bytes, 'vault');
export const asNotebookKey = (bytes: Uint8Array): NotebookKey => brand(bytes, 'notebook');
export const asPhotoKey = (bytes: Uint8Array): PhotoKey => brand(bytes, 'photo');

export const randomVaultKey = (): VaultKey => asVaultKey(randomBytes(KEY_BYTES));
export const randomNotebookKey = (): NotebookKey => asNotebookKey(randomBytes(KEY_BYTES));
export const randomPhotoKey = (): PhotoKey => asPhotoKey(randomBytes(KEY_BYTES));

/** Ed25519. secretKey is libsodium's 64-byte form (seed || public key). */
export function generateSigningKeyPair(): SigningKeyPair {
  const kp = sodium().crypto_sign_keypair();
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/** Deterministic Ed25519 key pair from a 32-byte seed (test vectors, device restore). */
export function signingKeyPairFromSeed(seed: Uint8Array): SigningKeyPair {
  const kp = sodium().crypto_sign_seed_keypair(seed);
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/** X25519, for crypto_box_seal. */
export function generateBoxKeyPair(): BoxKeyPair {
  const kp = sodium().crypto_box_keypair();
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

export function boxKeyPairFromSeed(seed: Uint8Array): BoxKeyPair {
  const kp = sodium().crypto_box_seed_keypair(seed);
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/** 16 random bytes as unpadded base64url: always 22 characters. */
export function newKeyId(): string {
  return toBase64Url(randomBytes(KEY_ID_BYTES));
}
