// Anonymous sealed boxes (X25519 + XSalsa20-Poly1305): how a notebook key or a
// vault key reaches another device or person who has only published a public key.
// The sender is not authenticated; callers that need to know who sent a key must
// sign the payload as well.
import type { BoxKeyPair } from './keys.ts';
import { fail, ok, type Result } from './result.ts';
import { sodium } from './sodium.ts';

/** Ephemeral public key (32) + MAC (16). */
export const SEALED_BOX_OVERHEAD = 48;

export function sealToPublicKey(recipientBoxPk: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return sodium().crypto_box_seal(plaintext, recipientBoxPk);
}

export function openSealedBox(keyPair: BoxKeyPair, sealed: Uint8Array): Result<Uint8Array> {
  if (sealed.length < SEALED_BOX_OVERHEAD) return fail('E_TRUNCATED', 'sealed box shorter than its overhead');
  try {
    return ok(sodium().crypto_box_seal_open(sealed, keyPair.publicKey, keyPair.secretKey));
  } catch {
    return fail('E_DECRYPT', 'sealed box could not be opened with this key pair');
  }
}
