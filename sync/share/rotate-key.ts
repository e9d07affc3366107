import type * as Y from 'yjs';
import { newKeyId, randomNotebookKey, type BoxKeyPair, type SigningKeyPair } from '../../crypto/index.ts';
import type { MutableKeyring } from '../sealed/keyring.ts';
import type { SealedDoc } from '../sealed/sealed-doc.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { addNotebookKey, devicesMap, notebookKeys } from '../vault/vault-doc.ts';
import { keysMap, openKeyEnvelope, sealKeyEnvelope } from './key-envelope.ts';
import { isCurrentMember, isCurrentOwner, listMembers, markMemberRemoved, membersMap } from './members.ts';
import { isRevoked, writeRevocation } from './revocations.ts';

/** One open shared notebook on this device, with what rotation and key pickup need. */
export interface SharedNotebook {
  readonly id: string;
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly sealed: SealedDoc;
  readonly keyring: MutableKeyring;
  /** This person's vault doc: its notebook entry carries the keys to their other devices. */
  readonly vaultDoc: Y.Doc;
  readonly self: { readonly deviceId: string; readonly signing: SigningKeyPair; readonly box: BoxKeyPair };
}

export type RotateResult = { ok: true; value: { keyId: string } } | { ok: false; error: { code: 'E_NOT_OWNER'; message: string } };

/**
 * Removes a member device and rotates the notebook key:
 * 1. mark it removed in the member list and sign a revocation in the box
 *    (revocations.ts), which members who have not picked up the new key can read;
 * 2. a new key becomes current in the vault doc (this person's devices) and in the
 *    keyring, and goes to every other person's current member device as a signed key
 *    envelope sealed to its box key;
 * 3. rekey: a snapshot under the new key replaces every entry applied so far.
 * The removed device keeps the old key and the box, but cannot open anything written from
 * here on (E_KEY_UNKNOWN), and the others quarantine what it signs (E_SIGNER).
 */
export function removeMemberAndRotate(nb: SharedNotebook, deviceId: string, now = Date.now()): RotateResult {
  // Only an owner's revocation counts (revocations.ts); a member's removal would not hold.
  if (!isCurrentOwner(nb.plain, nb.self.deviceId)) return { ok: false, error: { code: 'E_NOT_OWNER', message: 'only an owner can remove a member' } };
  markMemberRemoved(nb.plain, deviceId, now);
  nb.sealed.flush();
  writeRevocation(nb.box, nb.id, deviceId, nb.self.signing, now);
  const keyId = newKeyId();
  const key = randomNotebookKey();
  addNotebookKey(nb.vaultDoc, nb.id, keyId, key, true);
  nb.keyring.add(keyId, key, true);
  handCurrentKey(nb, now);
  nb.sealed.rekey();
  return { ok: true, value: { keyId } };
}

/** Same rule as memberTrust: the member list decides; a device it does not list must be an anchor. */
function trusted(nb: SharedNotebook, signerPublicKey: Uint8Array, anchors: readonly string[]): boolean {
  const signerId = deviceIdFor(signerPublicKey);
  if (isRevoked(nb.box, nb.id, signerId, (id) => isCurrentOwner(nb.plain, id))) return false;
  return membersMap(nb.plain).has(signerId) ? isCurrentMember(nb.plain, signerPublicKey) : anchors.includes(signerId);
}

/**
 * Seals the current key to every current member device of another person that has no
 * envelope for it yet (own devices read the vault doc). Rotation calls it; call it too when
 * a member joins, because a joiner invited before a rotation holds only the key its link
 * carried. Idempotent. Returns the device ids it sealed to.
 */
export function handCurrentKey(nb: SharedNotebook, now = Date.now()): string[] {
  const { keyId, key } = nb.keyring.current();
  const ownDevices = new Set(devicesMap(nb.vaultDoc).keys());
  const sealedTo: string[] = [];
  nb.box.transact(() => {
    for (const member of listMembers(nb.plain)) {
      if (member.removedAt !== undefined || !member.boxPublicKey || ownDevices.has(member.deviceId)) continue;
      if (member.deviceId === nb.self.deviceId || keysMap(nb.box).has(`${member.deviceId}/${keyId}`)) continue;
      const place = { notebookId: nb.id, recipientDeviceId: member.deviceId, keyId };
      keysMap(nb.box).set(`${member.deviceId}/${keyId}`, sealKeyEnvelope(place, member.boxPublicKey, key, now, nb.self.signing));
      sealedTo.push(member.deviceId);
    }
  });
  return sealedTo;
}

const newestPicked = new WeakMap<MutableKeyring, number>();

/**
 * Takes the keys sealed to this device from the box's `keys` map, keeps those signed by a
 * current member no owner revoked, stores them in the vault doc (so this person's other devices get them)
 * and re-opens E_KEY_UNKNOWN quarantines. The newest key (by its signed createdAt) becomes
 * current. Returns the key ids picked up. `anchors` (the founder, and for a joiner the
 * inviter from its signed link) are trusted while the readable member list does not name
 * them: a joiner whose link predates a rotation can read no member list at all yet.
 */
export function pickUpNotebookKeys(nb: SharedNotebook, anchors: readonly string[] = []): string[] {
  const picked: { keyId: string; key: Uint8Array; createdAt: number }[] = [];
  const prefix = `${nb.self.deviceId}/`;
  keysMap(nb.box).forEach((value, mapKey) => {
    if (!mapKey.startsWith(prefix)) return;
    const keyId = mapKey.slice(prefix.length);
    if (!/^[A-Za-z0-9_-]{22}$/.test(keyId) || nb.keyring.has(keyId)) return;
    const opened = openKeyEnvelope(value, { notebookId: nb.id, recipientDeviceId: nb.self.deviceId, keyId }, nb.self.box);
    if (opened && trusted(nb, opened.signerPublicKey, anchors)) picked.push({ keyId, key: opened.key, createdAt: opened.createdAt });
  });
  picked.sort((a, b) => a.createdAt - b.createdAt);
  for (const { keyId, key, createdAt } of picked) {
    const newest = createdAt >= (newestPicked.get(nb.keyring) ?? 0);
    if (newest) newestPicked.set(nb.keyring, createdAt);
    nb.keyring.add(keyId, key, newest);
    addNotebookKey(nb.vaultDoc, nb.id, keyId, key, newest);
  }
  if (picked.length > 0) nb.sealed.retryQuarantined(['E_KEY_UNKNOWN']);
  return picked.map((p) => p.keyId);
}

/** This person's other devices: new keys arrive in the vault doc's notebook entry. */
export function syncKeysFromVault(nb: SharedNotebook): boolean {
  const keys = notebookKeys(nb.vaultDoc, nb.id);
  if (!keys) return false;
  let changed = false;
  for (const [keyId, key] of keys.keys) {
    if (nb.keyring.has(keyId)) continue;
    nb.keyring.add(keyId, key);
    changed = true;
  }
  if (nb.keyring.current().keyId !== keys.currentKeyId) {
    nb.keyring.add(keys.currentKeyId, keys.keys.get(keys.currentKeyId) as Uint8Array, true);
    changed = true;
  }
  if (changed) nb.sealed.retryQuarantined(['E_KEY_UNKNOWN']);
  return changed;
}
