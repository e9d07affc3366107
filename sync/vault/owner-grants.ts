import type * as Y from 'yjs';
import { concatBytes, fromBase64Url, lengthPrefixed, sign, toBase64Url, utf8, verifySignature, type SigningKeyPair } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { listedSigningKey } from '../vault-doc/vault-doc.ts';

/**
 * Which of the person's devices may be an owner of the notebooks they are added to
 * (sync/PROTOCOL.md "Owner grants"). A device joins each notebook through another of the
 * person's devices (own-devices.ts addOwnDevices); it used to get that device's role, owner
 * included, so any device approved once (a phone, then stolen) could remove the person's
 * laptop from their notebooks. Now the device that answers a device link says whether the new
 * device may be an owner, and signs it; without a grant from a current owner of the notebook,
 * a device is added as a writer ('member').
 *
 * Vault doc map `ownerGrants`: key `<grantee device id>/<granter device id>`, value
 * base64url(Ed25519(granter, lp("obscura/owner-grant/v1") ‖ lp(vaultId) ‖ granter pk ‖ grantee pk)).
 * Both keys are read from the vault doc's device list, so a grant names only listed devices;
 * the vault doc itself takes writes from approved devices only (device-approvals.ts).
 */
const MAP = 'ownerGrants';
const DOMAIN = lengthPrefixed(utf8('obscura/owner-grant/v1'));

function ownerGrantsMap(vaultDoc: Y.Doc): Y.Map<string> {
  return vaultDoc.getMap<string>(MAP);
}

function signed(vaultId: string, granter: Uint8Array, grantee: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN, lengthPrefixed(utf8(vaultId)), granter, grantee);
}

/** `granter` lets the device with `granteeSigningKey` be an owner wherever `granter` is one. */
export function writeOwnerGrant(vaultDoc: Y.Doc, vaultId: string, granteeSigningKey: Uint8Array, granter: SigningKeyPair): void {
  const key = `${deviceIdFor(granteeSigningKey)}/${deviceIdFor(granter.publicKey)}`;
  ownerGrantsMap(vaultDoc).set(key, toBase64Url(sign(granter.secretKey, signed(vaultId, granter.publicKey, granteeSigningKey))));
}

/** The devices whose grant of owner to `deviceId` verifies (trust in each granter is the caller's). */
export function ownerGrantors(vaultDoc: Y.Doc, vaultId: string, deviceId: string): string[] {
  const grantee = listedSigningKey(vaultDoc, deviceId);
  if (!grantee) return [];
  const grantors: string[] = [];
  ownerGrantsMap(vaultDoc).forEach((value, key) => {
    const [to, from, ...rest] = key.split('/');
    if (to !== deviceId || from === undefined || from === deviceId || rest.length > 0 || typeof value !== 'string') return;
    const granter = listedSigningKey(vaultDoc, from);
    const signature = fromBase64Url(value);
    if (!granter || !signature.ok || signature.value.length !== 64) return;
    if (verifySignature(granter, signed(vaultId, granter, grantee), signature.value)) grantors.push(from);
  });
  return grantors;
}
