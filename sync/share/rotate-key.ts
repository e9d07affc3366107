import type * as Y from 'yjs';
import { newKeyId, randomNotebookKey, type BoxKeyPair, type Result, type SigningKeyPair } from '../../crypto/index.ts';
import type { MutableKeyring } from '../sealed/keyring.ts';
import type { SealedDoc } from '../sealed/sealed-doc.ts';
import { isDeviceRevoked } from '../vault-doc/device-revocations.ts';
import { addNotebookKey, devicesMap, notebookKeys } from '../vault-doc/vault-doc.ts';
import { inviteIsOpen } from './join-notebook.ts';
import { countedEpochs, highestEpoch, writeKeyEpoch } from './key-epochs.ts';
import { hasKeyEnvelope, keyEnvelopeEntries, openKeyEnvelope, putKeyEnvelope } from './key-envelope.ts';
import { writeMemberHead } from './member-head.ts';
import { isCurrentOwner, listMembers, markMemberRemoved, signerTrust, type Anchor } from './members.ts';
import { isRevoked, listRevocations, writeRevocation } from './revocations.ts';
import type { RoomMeta } from './room-meta.ts';

/** One open shared notebook on this device, with what rotation and key pickup need. */
export interface SharedNotebook {
  readonly id: string;
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly sealed: SealedDoc;
  readonly keyring: MutableKeyring;
  /** This person's vault doc: its notebook entry carries the keys to their other devices. */
  readonly vaultDoc: Y.Doc;
  /** The room's writer slots and sealing of the sharing maps (room-meta.ts). */
  readonly meta: RoomMeta;
  readonly self: { readonly deviceId: string; readonly signing: SigningKeyPair; readonly box: BoxKeyPair };
}

export type RotateResult = Result<{ keyId: string }, 'E_NOT_OWNER'>;

/**
 * Removes a member device and rotates the notebook key:
 * 1. mark it removed in the member list and sign a revocation in the box
 *    (revocations.ts), which members who have not picked up the new key can read;
 * 2. a new key with the next key epoch (key-epochs.ts, signed by this owner, naming the
 *    removed device as its cause) becomes current in the vault doc (this person's devices)
 *    and in the keyring, and goes to every other person's current member device as a
 *    signed key envelope sealed to its box key;
 * 3. rekey: a snapshot under the new key replaces every entry applied so far.
 * The removed device keeps the old key and the box, but cannot open anything written from
 * here on (E_KEY_UNKNOWN), and the others quarantine what it signs (E_SIGNER).
 */
export function removeMemberAndRotate(nb: SharedNotebook, deviceId: string, now = Date.now()): RotateResult {
  return removeMembersAndRotate(nb, [deviceId], deviceId, now);
}

/**
 * As removeMemberAndRotate for any number of devices (each marked removed and revoked, none
 * re-added), with ONE new key epoch whose cause is `cause`: a vault-key rotation removes
 * all of the person's other devices at once (cause `vault-rotation`), and rotates even when
 * none of them is a member, since its old vault doc held this notebook's keys.
 */
export function removeMembersAndRotate(nb: SharedNotebook, deviceIds: readonly string[], cause: string, now = Date.now()): RotateResult {
  // Only an owner's revocation counts (revocations.ts); a member's removal would not hold.
  if (!isCurrentOwner(nb.plain, nb.self.deviceId)) return { ok: false, error: { code: 'E_NOT_OWNER', message: 'only an owner can remove a member' } };
  const removed = deviceIds.filter((id) => id !== nb.self.deviceId);
  // First a head naming every record that counts now: one a removed owner signed stays a
  // member because the chain names it, not because its signer is still an owner.
  writeMemberHead(nb);
  // The revocation first: it holds whatever a removed device did to its own record.
  // A revocation is never rewritten: peers keep the first one they verified (append-only).
  const revoked = listRevocations(nb.box, nb.id, nb.meta).filter((r) => r.signerDeviceId === nb.self.deviceId).map((r) => r.removedDeviceId);
  for (const id of removed) if (!revoked.includes(id)) writeRevocation(nb.box, nb.id, nb.meta, id, nb.self.signing, now);
  // False when no record of its counts or it sits at the version cap: then the head names it removed.
  for (const id of removed) markMemberRemoved(nb.plain, id, nb.self.signing, now);
  nb.sealed.flush();
  writeMemberHead(nb, removed);
  const keyId = newKeyId();
  const key = randomNotebookKey();
  addNotebookKey(nb.vaultDoc, nb.id, keyId, key, true);
  nb.keyring.add(keyId, key, true);
  nb.box.transact(() => {
    writeKeyEpoch(nb.box, nb.id, nb.meta, highestEpoch(nb.box, nb.id, nb.meta) + 1, keyId, cause, nb.self.signing);
    handCurrentKey(nb, now);
  });
  nb.sealed.rekey();
  // Last: the revocation and the new key must not depend on it. The head names the removals'
  // versions, so a removal record later replaced by the old one is seen as stale.
  writeMemberHead(nb);
  return { ok: true, value: { keyId } };
}

/** An owner nobody revoked: whose key epochs count (key-epochs.ts). */
function countsAsOwner(nb: SharedNotebook): (deviceId: string) => boolean {
  const owner = (id: string): boolean => isCurrentOwner(nb.plain, id);
  return (id) => owner(id) && !isRevoked(nb.box, nb.id, nb.meta, id, owner);
}

/**
 * Makes the key of the highest counted key epoch this device holds current (in the keyring
 * and, for this person's other devices, the vault doc). A notebook without counted epochs
 * (made before them, or whose member list is not readable yet) follows the vault doc's
 * current key, which only this person's own devices write. Never a sender's clock.
 */
export function chooseCurrentKey(nb: SharedNotebook): boolean {
  const epochs = countedEpochs(nb.box, nb.id, nb.meta, countsAsOwner(nb));
  const target = epochs.length > 0 ? epochs.find((epoch) => nb.keyring.has(epoch.keyId))?.keyId : notebookKeys(nb.vaultDoc, nb.id)?.currentKeyId;
  const key = target === undefined ? undefined : nb.keyring.get(target);
  if (target === undefined || key === undefined || target === nb.keyring.current().keyId) return false;
  nb.keyring.add(target, key, true);
  if (notebookKeys(nb.vaultDoc, nb.id)?.currentKeyId !== target) addNotebookKey(nb.vaultDoc, nb.id, target, key, true);
  return true;
}

/**
 * A notebook from before key epochs gets its first one from an owner device that opens it
 * (its current key as epoch 1, cause `upgrade`; a new notebook's founder writes `founded`),
 * so that from then on only owners' epochs decide. No-op when epochs count already or this
 * device is not an owner.
 */
export function upgradeKeyEpochs(nb: SharedNotebook, cause: 'founded' | 'upgrade'): boolean {
  if (!countsAsOwner(nb)(nb.self.deviceId) || countedEpochs(nb.box, nb.id, nb.meta, countsAsOwner(nb)).length > 0) return false;
  writeKeyEpoch(nb.box, nb.id, nb.meta, highestEpoch(nb.box, nb.id, nb.meta) + 1, nb.keyring.current().keyId, cause, nb.self.signing);
  return true;
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
      // Own devices read the vault doc; one a vault-key rotation signed out gets nothing at all.
      if (member.removedAt !== undefined || !member.boxPublicKey || ownDevices.has(member.deviceId) || isDeviceRevoked(nb.vaultDoc, member.deviceId)) continue;
      // Revoked by an owner: whatever record of it a writer stored, it gets no newer key.
      if (isRevoked(nb.box, nb.id, nb.meta, member.deviceId, (id) => isCurrentOwner(nb.plain, id))) continue;
      // A used, withdrawn or expired link gets nothing newer than it had.
      if (member.role === 'invite' && !inviteIsOpen(member, now)) continue;
      if (member.deviceId === nb.self.deviceId || hasKeyEnvelope(nb.box, nb.meta, member.deviceId, keyId)) continue;
      putKeyEnvelope(nb.box, nb.meta, { notebookId: nb.id, recipientDeviceId: member.deviceId, keyId }, member.boxPublicKey, key, now, nb.self.signing);
      sealedTo.push(member.deviceId);
    }
  });
  return sealedTo;
}

/**
 * Takes the keys sealed to this device from the box's `keys` map, keeps those signed by a
 * current member no owner revoked, stores them in the vault doc (so this person's other
 * devices get them) and re-opens E_KEY_UNKNOWN quarantines. A picked key is for reading;
 * which key is current is the key epochs' decision (chooseCurrentKey), never the envelope's
 * date. Returns the key ids picked up. `anchors` (the founder, and for a joiner the inviter
 * from its signed link) are trusted while the readable member list does not name them: a
 * joiner whose link predates a rotation can read no member list at all yet.
 */
export function pickUpNotebookKeys(nb: SharedNotebook, anchors: readonly Anchor[] = []): string[] {
  const picked: { keyId: string; key: Uint8Array }[] = [];
  const trusted = signerTrust(nb.plain, { box: nb.box, notebookId: nb.id, meta: nb.meta }, anchors);
  for (const { place, envelope } of keyEnvelopeEntries(nb.box, nb.id, nb.meta)) {
    if (place.recipientDeviceId !== nb.self.deviceId || nb.keyring.has(place.keyId)) continue;
    const opened = openKeyEnvelope(envelope, place, nb.self.box);
    if (opened && trusted(opened.signerPublicKey)) picked.push({ keyId: place.keyId, key: opened.key });
  }
  for (const { keyId, key } of picked) {
    nb.keyring.add(keyId, key);
    addNotebookKey(nb.vaultDoc, nb.id, keyId, key, false);
  }
  if (picked.length > 0) nb.sealed.retryQuarantined(['E_KEY_UNKNOWN']);
  chooseCurrentKey(nb);
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
  if (changed) nb.sealed.retryQuarantined(['E_KEY_UNKNOWN']);
  return chooseCurrentKey(nb) || changed;
}
