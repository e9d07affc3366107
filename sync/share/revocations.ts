import type * as Y from 'yjs';
import { concatBytes, lengthPrefixed, readU64be, sign, u64be, utf8, verifySignature, type SigningKeyPair } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';

/**
 * Removals, readable without any notebook key: the box doc's `revocations` map,
 * `<removedDeviceId>/<signerDeviceId>` -> signer pk (32) ‖ u64 removedAt ‖ signature (64)
 * over lp("obscura/revocation/v1") ‖ lp(notebookId) ‖ lp(removedDeviceId) ‖ u64 removedAt.
 *
 * Note: the member list's `removedAt` alone is not enough. It is in the plain doc, and a
 * rotation seals it (with everything else) under the NEW key, so a member that has not
 * picked up that key yet would keep trusting the removed device: apply what it writes
 * after its removal and accept a key envelope it plants. A revocation is signed, not
 * encrypted, never compacted, and shows a relay only that some pseudonymous device id
 * was removed. It counts when its signer is an owner (per the member list) that is not
 * removed. Note: only owners, because a revocation is enforced before anyone can read the
 * member list's current state: if any member's counted, a removed member could revoke the
 * member who removed it, and members who have not picked up the new key would then refuse
 * the very snapshot that tells them who was removed. Owners trust each other.
 */
export function revocationsMap(box: Y.Doc): Y.Map<Uint8Array> {
  return box.getMap<Uint8Array>('revocations');
}

function signedBytes(notebookId: string, removedDeviceId: string, removedAt: Uint8Array): Uint8Array {
  return concatBytes(lengthPrefixed(utf8('obscura/revocation/v1')), lengthPrefixed(utf8(notebookId)), lengthPrefixed(utf8(removedDeviceId)), removedAt);
}

export function writeRevocation(box: Y.Doc, notebookId: string, removedDeviceId: string, signer: SigningKeyPair, removedAt = Date.now()): void {
  const at = u64be(removedAt);
  const signature = sign(signer.secretKey, signedBytes(notebookId, removedDeviceId, at));
  revocationsMap(box).set(`${removedDeviceId}/${deviceIdFor(signer.publicKey)}`, concatBytes(signer.publicKey, at, signature));
}

const verified = new WeakMap<Uint8Array, string>();

/** Whether `value` is a revocation signed by the device its map key names, for this notebook. */
export function revocationIsSigned(notebookId: string, mapKey: string, value: unknown): boolean {
  const [deviceId, signerId] = mapKey.split('/');
  if (!deviceId || !signerId || !(value instanceof Uint8Array) || value.length !== 32 + 8 + 64) return false;
  const signerPk = value.subarray(0, 32);
  if (deviceIdFor(signerPk) !== signerId || readU64be(value, 32) === null) return false;
  // Verifying costs ~50 us; trust is asked once per envelope, so remember good values.
  if (verified.get(value) === `${notebookId}/${mapKey}`) return true;
  if (!verifySignature(signerPk, signedBytes(notebookId, deviceId, value.subarray(32, 40)), value.subarray(40))) return false;
  verified.set(value, `${notebookId}/${mapKey}`);
  return true;
}

/**
 * True when a revocation of `deviceId` in this box is signed by a device for which
 * `countsFrom` says yes (members.ts passes: an owner that is not removed).
 */
export function isRevoked(box: Y.Doc, notebookId: string, deviceId: string, countsFrom: (signerDeviceId: string) => boolean): boolean {
  const prefix = `${deviceId}/`;
  for (const [key, value] of revocationsMap(box).entries()) {
    if (key.startsWith(prefix) && countsFrom(key.slice(prefix.length)) && revocationIsSigned(notebookId, key, value)) return true;
  }
  return false;
}
