// Ed25519 detached signatures. verifySignature answers yes/no and never throws,
// because its inputs usually come straight off the network.
import { sodium } from './sodium.ts';

export const SIGNATURE_BYTES = 64;
export const SIGNING_PUBLIC_KEY_BYTES = 32;

export function sign(secretKey: Uint8Array, msg: Uint8Array): Uint8Array {
  return sodium().crypto_sign_detached(msg, secretKey);
}

export function verifySignature(publicKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (publicKey.length !== SIGNING_PUBLIC_KEY_BYTES || sig.length !== SIGNATURE_BYTES) return false;
  try {
    return sodium().crypto_sign_verify_detached(sig, msg, publicKey);
  } catch {
    return false;
  }
}
