import type * as Y from 'yjs';
import { bytesEqual, concatBytes, lengthPrefixed, readU64be, sign, u64be, utf8, verifySignature, type SigningKeyPair } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { listedSigningKey } from './vault-doc.ts';

/**
 * The person's devices signed out by a vault-key rotation (sync/PROTOCOL.md "Rotating the
 * vault key"): the vault doc's `revokedDevices` map, deviceId -> signer pk (32) ‖ u64
 * revokedAt ‖ Ed25519 signature (64) over lp("obscura/device-revocation/v1") ‖ lp(vaultId)
 * ‖ lp(deviceId) ‖ u64 revokedAt, signed by the device that rotated.
 *
 * Note: a revoked device holds the old vault key only, so it cannot write the vault doc
 * sealed under the new one anyway. The record is there so that the person's remaining
 * devices never hand it anything again (addOwnDevices, handCurrentKey) and refuse what it
 * signs (the vault doc's trustSigner), whatever key it may come by; and so that it says who
 * signed whom out. Refusing is the safe side: a listed record stops additions even before
 * its signature is checked, and only holders of the vault key write the vault doc.
 */
const DOMAIN = lengthPrefixed(utf8('obscura/device-revocation/v1'));
const LENGTH = 32 + 8 + 64;

export function revokedDevicesMap(vaultDoc: Y.Doc): Y.Map<Uint8Array> {
  return vaultDoc.getMap<Uint8Array>('revokedDevices');
}

function signedBytes(vaultId: string, deviceId: string, at: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN, lengthPrefixed(utf8(vaultId)), lengthPrefixed(utf8(deviceId)), at);
}

export function writeDeviceRevocation(vaultDoc: Y.Doc, vaultId: string, deviceId: string, signer: SigningKeyPair, revokedAt = Date.now()): void {
  const at = u64be(revokedAt);
  revokedDevicesMap(vaultDoc).set(deviceId, concatBytes(signer.publicKey, at, sign(signer.secretKey, signedBytes(vaultId, deviceId, at))));
}

/** Whether the vault doc lists `deviceId` as signed out (see the note above: listed is enough to refuse). */
export function isDeviceRevoked(vaultDoc: Y.Doc, deviceId: string): boolean {
  return revokedDevicesMap(vaultDoc).has(deviceId);
}

/** Ids of the devices the vault doc lists as signed out. */
export function revokedDeviceIds(vaultDoc: Y.Doc): string[] {
  return [...revokedDevicesMap(vaultDoc).keys()];
}

/**
 * A revocation that counts: signed for this vault and device by one of the person's listed
 * devices (with exactly that signing key), which is not the revoked device itself.
 */
export function deviceRevocationHolds(vaultDoc: Y.Doc, vaultId: string, deviceId: string): boolean {
  const value: unknown = revokedDevicesMap(vaultDoc).get(deviceId);
  if (!(value instanceof Uint8Array) || value.length !== LENGTH || readU64be(value, 32) === null) return false;
  const signerPk = value.subarray(0, 32);
  const signerId = deviceIdFor(signerPk);
  const listedKey = listedSigningKey(vaultDoc, signerId);
  if (signerId === deviceId || !listedKey || !bytesEqual(listedKey, signerPk)) return false;
  return verifySignature(signerPk, signedBytes(vaultId, deviceId, value.subarray(32, 40)), value.subarray(40));
}

/**
 * Devices that signed a revocation which counts (deviceRevocationHolds). Its envelope was
 * applied, so its signer was one of the person's devices when it arrived, even if the only
 * approval chain to it ran through the device it revoked.
 */
export function revocationSigners(vaultDoc: Y.Doc, vaultId: string): Set<string> {
  const signers = new Set<string>();
  revokedDevicesMap(vaultDoc).forEach((value, deviceId) => {
    if (value instanceof Uint8Array && value.length === LENGTH && deviceRevocationHolds(vaultDoc, vaultId, deviceId)) signers.add(deviceIdFor(value.subarray(0, 32)));
  });
  return signers;
}

/** The device that signed the revocation of `deviceId`, if one that counts names it. */
export function revokedBy(vaultDoc: Y.Doc, vaultId: string, deviceId: string): string | undefined {
  const value: unknown = revokedDevicesMap(vaultDoc).get(deviceId);
  return value instanceof Uint8Array && deviceRevocationHolds(vaultDoc, vaultId, deviceId) ? deviceIdFor(value.subarray(0, 32)) : undefined;
}

/** The devices `signerId` signed a revocation of (revocations that count). */
export function revokedByIt(vaultDoc: Y.Doc, vaultId: string, signerId: string): string[] {
  return revokedDeviceIds(vaultDoc).filter((id) => revokedBy(vaultDoc, vaultId, id) === signerId);
}

/**
 * The vault doc's trustSigner (SealedDoc has checked that the signer owns its writer slot):
 * no counted revocation names it. A device signed out by a rotation is refused even if it
 * came by the new vault key.
 */
export function vaultDocTrust(vaultDoc: Y.Doc, vaultId: string): (writerId: string, signerPublicKey: Uint8Array) => boolean {
  return (_writerId, signerPublicKey) => !deviceRevocationHolds(vaultDoc, vaultId, deviceIdFor(signerPublicKey));
}
