import * as Y from 'yjs';
import { fromBase64Url, type SigningKeyPair } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { isDeviceRevoked } from '../vault-doc/device-revocations.ts';
import { devicesMap } from '../vault-doc/vault-doc.ts';
import { addMember, membersMap, readMember } from './members.ts';

/** Which devices the vault doc lists are the person's (sync/vault/device-approvals.ts), and when that changes. */
export interface OwnDeviceApprovals {
  approved(deviceId: string): boolean;
  /** The person's devices whose signed grant lets `deviceId` be an owner (sync/vault/owner-grants.ts); none when absent. */
  ownerGrantors?(deviceId: string): readonly string[];
  onChange(listener: () => void): () => void;
}

/**
 * Membership is per device, but a person's devices share one vault. A device that is a
 * current member adds the vault's other devices (from the vault doc's `devices`) that it
 * approves as the person's (`approved`: reached by device-link approvals, so not merely a
 * holder of the vault key) to a shared notebook's members: as an owner only when this device
 * is one and `mayOwn` says an owner granted it (a device link's owner grant), otherwise as a
 * writer ('member'); never owner automatically. Devices already listed, including removed ones, are left alone: re-adding a
 * removed device must be a deliberate act, not a side effect of opening a notebook. A device
 * a vault-key rotation signed out (device-revocations.ts) is never added: it must be linked
 * again, as a new device with new keys.
 * Each record is signed by this device: in a strict notebook one it adds counts only if it is
 * an owner (member-authority.ts); a member's stays a request an owner approves.
 * Returns the device ids added.
 */
export function addOwnDevices(
  plain: Y.Doc,
  vaultDoc: Y.Doc,
  signer: SigningKeyPair,
  approved: (deviceId: string) => boolean,
  mayOwn: (deviceId: string) => boolean = () => false,
  now = Date.now(),
): string[] {
  const self = readMember(plain, deviceIdFor(signer.publicKey));
  if (!self || self.removedAt !== undefined) return [];
  const added: string[] = [];
  devicesMap(vaultDoc).forEach((entry, deviceId) => {
    if (!(entry instanceof Y.Map) || membersMap(plain).has(deviceId) || isDeviceRevoked(vaultDoc, deviceId) || !approved(deviceId)) return;
    const signing = fromBase64Url(String(entry.get('signingPublicKey')));
    const box = fromBase64Url(String(entry.get('boxPublicKey')));
    if (!signing.ok || signing.value.length !== 32 || !box.ok || box.value.length !== 32) return;
    if (deviceIdFor(signing.value) !== deviceId) return;
    // A device the link granted owner is left to an owner device, which adds it as one: added
    // here as a writer first, it would stay one (a role in the list is kept), the grant lost.
    if (self.role !== 'owner' && mayOwn(deviceId)) return;
    const role = self.role === 'owner' && mayOwn(deviceId) ? 'owner' : 'member';
    added.push(addMember(plain, { signingPublicKey: signing.value, boxPublicKey: box.value }, role, signer, now));
  });
  return added;
}
