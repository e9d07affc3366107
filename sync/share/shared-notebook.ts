import * as Y from 'yjs';
import type { Result } from '../../crypto/index.ts';
import { createMutableKeyring } from '../sealed/keyring.ts';
import { SealedDoc } from '../sealed/sealed-doc.ts';
import { newWriter } from '../sealed/writer.ts';
import { notebookFounder, notebookFounderKey, notebookKeys, notebookRoom, notebookStrictMembers, setNotebookFounder, setNotebookStrictMembers } from '../vault-doc/vault-doc.ts';
import { sweepInvites } from './join-notebook.ts';
import { epochsMap } from './key-epochs.ts';
import { keysMap } from './key-envelope.ts';
import { writeMemberHead } from './member-head.ts';
import { boxShowsStrict, upgradeMemberRecords } from './member-upgrade.ts';
import { bindMemberPolicy, followMembers, foundMembers, isCurrentOwner, membersMap, memberTrust, signerTrust } from './members.ts';
import { addOwnDevices, type OwnDeviceApprovals } from './own-devices.ts';
import { revocationsMap } from './revocations.ts';
import { roomMeta } from './room-meta.ts';
import { upgradeShareMaps } from './share-maps-upgrade.ts';
import { chooseCurrentKey, pickUpNotebookKeys, syncKeysFromVault, upgradeKeyEpochs, type SharedNotebook } from './rotate-key.ts';
import { guardShareMaps } from './share-map-guards.ts';

/**
 * Opens a notebook the way sharing needs it, from this person's vault doc and the
 * notebook's (already persisted or synced) box: a keyring that can learn keys, member
 * trust pinned on the founder the vault doc records, quarantines that re-open when
 * membership changes, keys picked up as they arrive (from the box for sealed key envelopes,
 * from the vault doc for this person's other devices), and this person's devices added to
 * the members once this device is one.
 */
export type OpenSharedResult = Result<SharedNotebook & { close(): void }, 'E_NOTEBOOK_UNKNOWN' | 'E_NOT_SHARED'>;

export interface DeviceIdentity {
  readonly deviceId: string;
  readonly signing: SharedNotebook['self']['signing'];
  readonly box: SharedNotebook['self']['box'];
}

/**
 * The creator starts sharing a notebook it holds: it becomes the founder (recorded in
 * the vault doc, so its other devices pin the same one). Call once, before
 * openSharedNotebook, whose first open on the founder writes the first member record.
 */
export function startSharing(vaultDoc: Y.Doc, notebookId: string, founder: DeviceIdentity): void {
  setNotebookFounder(vaultDoc, notebookId, founder.signing.publicKey);
}

export interface OpenSharedOptions {
  /** Which of the vault's devices are the person's: only those are added as members. */
  readonly ownDevices: OwnDeviceApprovals;
  readonly coalesceMs?: number;
  /** After a snapshot replaced entries, e.g. to trim the persisted update log. */
  readonly onCompact?: () => void;
}

export function openSharedNotebook(id: string, vaultDoc: Y.Doc, box: Y.Doc, self: DeviceIdentity, options: OpenSharedOptions): OpenSharedResult {
  const keys = notebookKeys(vaultDoc, id);
  if (!keys) return { ok: false, error: { code: 'E_NOTEBOOK_UNKNOWN', message: `No notebook ${id} in this vault.` } };
  const founderId = notebookFounder(vaultDoc, id);
  if (!founderId) return { ok: false, error: { code: 'E_NOT_SHARED', message: 'This notebook has no founder yet (startSharing).' } };
  const room = notebookRoom(vaultDoc, id);
  if (!room) return { ok: false, error: { code: 'E_NOTEBOOK_UNKNOWN', message: `No room for notebook ${id} in this vault.` } };
  const meta = roomMeta(room);
  const founder = notebookFounderKey(vaultDoc, id) ?? founderId;
  const plain = new Y.Doc();
  const keyring = createMutableKeyring(keys.keys, keys.currentKeyId);
  const revocations = { box, notebookId: id, meta };
  // Strict once this person's vault says so or the box holds an owner's head; never lax again.
  let strict = notebookStrictMembers(vaultDoc, id);
  let boxChanges = 0;
  let checkedAt = -1;
  const countBoxChange = (): void => void boxChanges++;
  box.on('update', countBoxChange);
  const isStrict = (): boolean => {
    if (strict || checkedAt === boxChanges) return strict;
    checkedAt = boxChanges;
    strict = boxShowsStrict(box, id, meta, founder);
    return strict;
  };
  const unbindPolicy = bindMemberPolicy(plain, { notebookId: id, founder, heads: { box, meta }, strict: isStrict });
  const sealed = new SealedDoc({
    docId: id,
    plain,
    box,
    keyring,
    writer: newWriter(self.signing, meta.slot),
    writerSlot: meta.slot,
    trustSigner: memberTrust(plain, founder, revocations),
    ...(options.coalesceMs === undefined ? {} : { coalesceMs: options.coalesceMs }),
    ...(options.onCompact === undefined ? {} : { onCompact: options.onCompact }),
  });
  const nb: SharedNotebook = { id, plain, box, sealed, keyring, vaultDoc, meta, self };
  const stopMembers = followMembers(plain, sealed);
  // The founder's first open writes the founding record, trusted because it is the founder.
  const founding = founderId === self.deviceId && membersMap(plain).size === 0;
  if (founding) {
    strict = true;
    foundMembers(plain, { signingPublicKey: self.signing.publicKey, boxPublicKey: self.box.publicKey }, self.signing);
  }
  const onKeys = (): void => void pickUpNotebookKeys(nb, [founder]);
  const addOwn = (): void => {
    const mayOwn = (deviceId: string): boolean => (options.ownDevices.ownerGrantors?.(deviceId) ?? []).some((granter) => isCurrentOwner(plain, granter));
    if (addOwnDevices(plain, vaultDoc, self.signing, (deviceId) => options.ownDevices.approved(deviceId), mayOwn).length > 0) sealed.flush();
  };
  // An owner signs a new head whenever the list it holds goes beyond the last one.
  const onMembers = (): void => {
    if (isStrict() && !notebookStrictMembers(vaultDoc, id)) setNotebookStrictMembers(vaultDoc, id);
    writeMemberHead(nb);
  };
  const onVault = (): void => {
    syncKeysFromVault(nb);
    addOwn();
  };
  const stopGuards = guardShareMaps(box, plain, id, meta, signerTrust(plain, revocations, [founder]));
  // Owners come and go with the member list and revocations: what counts as current may change.
  const onEpochs = (): void => void chooseCurrentKey(nb);
  keysMap(box).observe(onKeys);
  epochsMap(box).observe(onEpochs);
  revocationsMap(box).observe(onEpochs);
  vaultDoc.on('update', onVault);
  const stopApprovals = options.ownDevices.onChange(addOwn);
  // A joiner becomes a member only when its redemption applies: add its own devices then too.
  membersMap(plain).observeDeep(addOwn);
  membersMap(plain).observeDeep(onEpochs);
  onKeys();
  onVault();
  upgradeKeyEpochs(nb, founding ? 'founded' : 'upgrade');
  // A notebook from before owner-signed records: its founder's device signs them (member-upgrade.ts).
  if (!isStrict() && founderId === self.deviceId && isCurrentOwner(plain, self.deviceId)) {
    upgradeMemberRecords(plain, id, founder, self.signing);
    strict = true;
  }
  onMembers();
  membersMap(plain).observeDeep(onMembers);
  sweepInvites(nb);
  // A notebook from before room sealing and writer slots stops naming devices in its box.
  upgradeShareMaps(box, id, meta);
  if (isCurrentOwner(plain, self.deviceId)) sealed.upgradeWriterSlots();
  sealed.flush();
  const close = (): void => {
    keysMap(box).unobserve(onKeys);
    epochsMap(box).unobserve(onEpochs);
    revocationsMap(box).unobserve(onEpochs);
    vaultDoc.off('update', onVault);
    stopApprovals();
    membersMap(plain).unobserveDeep(addOwn);
    membersMap(plain).unobserveDeep(onEpochs);
    membersMap(plain).unobserveDeep(onMembers);
    box.off('update', countBoxChange);
    stopMembers();
    stopGuards();
    sealed.destroy();
    plain.destroy();
    unbindPolicy();
  };
  return { ok: true, value: { ...nb, close } };
}
