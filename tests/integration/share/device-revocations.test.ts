import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newKeyId, randomVaultKey, sodiumReady } from '../../../crypto/index.ts';
import { keyEnvelopeEntries } from '../../../sync/share/key-envelope.ts';
import { addMember, foundMembers } from '../../../sync/share/members.ts';
import { addOwnDevices } from '../../../sync/share/own-devices.ts';
import { handCurrentKey, pickUpNotebookKeys, removeMembersAndRotate } from '../../../sync/share/rotate-key.ts';
import { epochsMap, readKeyEpoch } from '../../../sync/share/key-epochs.ts';
import { revocationsMap } from '../../../sync/share/revocations.ts';
import { deviceRevocationHolds, isDeviceRevoked, revokedDevicesMap, writeDeviceRevocation } from '../../../sync/vault-doc/device-revocations.ts';
import { devicesMap, registerDevice } from '../../../sync/vault-doc/vault-doc.ts';
import { sealVaultDoc } from '../../../sync/vault/vault-doc-sealing.ts';
import { approvedBy, firstKey, keyringWith, memberKeys, newDevice, openReplica, syncBoxes, type TestDevice } from './share-harness.ts';

beforeAll(sodiumReady);

let VAULT_ID = '';
beforeAll(() => {
  VAULT_ID = newKeyId();
});

function vaultDocWith(...devices: TestDevice[]): Y.Doc {
  const doc = new Y.Doc();
  for (const d of devices) registerDevice(doc, d.deviceId, d.signing.publicKey, d.box.publicKey);
  return doc;
}

describe('devices signed out by a vault-key rotation (device-revocations.ts)', () => {
  it('a revocation counts only when signed for this vault and device by another listed device with that very key', () => {
    const [laptop, phone, stranger] = [newDevice(), newDevice(), newDevice()];
    const doc = vaultDocWith(laptop, phone);
    writeDeviceRevocation(doc, VAULT_ID, phone.deviceId, laptop.signing);
    expect(deviceRevocationHolds(doc, VAULT_ID, phone.deviceId)).toBe(true);
    expect(deviceRevocationHolds(doc, newKeyId(), phone.deviceId), 'another vault').toBe(false);

    const flipped = (revokedDevicesMap(doc).get(phone.deviceId) as Uint8Array).slice();
    flipped[50] = (flipped[50] as number) ^ 1;
    revokedDevicesMap(doc).set(phone.deviceId, flipped);
    expect(deviceRevocationHolds(doc, VAULT_ID, phone.deviceId), 'a flipped signature').toBe(false);

    writeDeviceRevocation(doc, VAULT_ID, phone.deviceId, stranger.signing);
    expect(deviceRevocationHolds(doc, VAULT_ID, phone.deviceId), 'signed by a device the vault does not list').toBe(false);
    writeDeviceRevocation(doc, VAULT_ID, laptop.deviceId, laptop.signing);
    expect(deviceRevocationHolds(doc, VAULT_ID, laptop.deviceId), 'a device revoking itself').toBe(false);
    // Listed at all is enough to refuse additions and keys (the safe side).
    expect(isDeviceRevoked(doc, phone.deviceId)).toBe(true);
  });

  it('addOwnDevices never adds a signed-out device; handCurrentKey never seals a key to one, even one the vault doc no longer lists', () => {
    const [laptop, phone, tablet, friend] = [newDevice(), newDevice(), newDevice(), newDevice()];
    const vaultDoc = vaultDocWith(laptop, phone, tablet);
    writeDeviceRevocation(vaultDoc, VAULT_ID, phone.deviceId, laptop.signing);
    const nb = openReplica({ id: 'nb', device: laptop, keyring: keyringWith(firstKey()), founder: laptop.deviceId, vaultDoc });
    foundMembers(nb.plain, memberKeys(laptop), laptop.signing);
    // The laptop had approved both (device links); the phone's sign-out wins.
    expect(addOwnDevices(nb.plain, vaultDoc, laptop.signing, approvedBy(vaultDoc, laptop, phone, tablet).approved)).toEqual([tablet.deviceId]);

    // The phone is a member from before (a notebook shared with it earlier) and drops off the device list.
    addMember(nb.plain, memberKeys(phone), 'member', laptop.signing);
    addMember(nb.plain, memberKeys(friend), 'member', laptop.signing);
    devicesMap(vaultDoc).delete(phone.deviceId);
    expect(handCurrentKey(nb)).toEqual([friend.deviceId]);
    expect(keyEnvelopeEntries(nb.box, 'nb', nb.meta).some((e) => e.place.recipientDeviceId === phone.deviceId)).toBe(false);
  });

  it('removeMembersAndRotate: several devices removed and revoked, ONE new key epoch with the given cause; existing revocations are not rewritten', () => {
    const [laptop, phone, tablet, friend] = [newDevice(), newDevice(), newDevice(), newDevice()];
    const vaultDoc = vaultDocWith(laptop, phone, tablet);
    const key = firstKey();
    const owner = openReplica({ id: 'nb', device: laptop, keyring: keyringWith(key), founder: laptop.deviceId, vaultDoc });
    foundMembers(owner.plain, memberKeys(laptop), laptop.signing);
    addOwnDevices(owner.plain, vaultDoc, laptop.signing, approvedBy(vaultDoc, laptop, phone, tablet).approved);
    addMember(owner.plain, memberKeys(friend), 'member', laptop.signing);
    owner.sealed.flush();
    const onFriend = openReplica({ id: 'nb', device: friend, keyring: keyringWith(key), founder: laptop.deviceId });
    syncBoxes(owner, onFriend);
    const before = [...revocationsMap(owner.box).entries()];
    expect(before).toEqual([]);

    const rotated = removeMembersAndRotate(owner, [phone.deviceId, tablet.deviceId, laptop.deviceId], 'vault-rotation');
    expect(rotated.ok).toBe(true);
    const epochs = [...epochsMap(owner.box).entries()].map(([k, v]) => readKeyEpoch('nb', owner.meta, k, v));
    expect(epochs.filter((e) => e?.cause === 'vault-rotation')).toHaveLength(1);
    const slot = owner.meta.slot;
    expect([...revocationsMap(owner.box).keys()].sort()).toEqual([`${slot(phone.deviceId)}/${slot(laptop.deviceId)}`, `${slot(tablet.deviceId)}/${slot(laptop.deviceId)}`].sort());
    const kept = revocationsMap(owner.box).get(`${slot(phone.deviceId)}/${slot(laptop.deviceId)}`);
    removeMembersAndRotate(owner, [phone.deviceId], 'vault-rotation');
    expect(revocationsMap(owner.box).get(`${slot(phone.deviceId)}/${slot(laptop.deviceId)}`)).toBe(kept);

    // The other person's device gets the new key; the removed own devices get none.
    syncBoxes(owner, onFriend);
    expect(pickUpNotebookKeys(onFriend)).toHaveLength(2);
    expect(onFriend.keyring.current().keyId).toBe(owner.keyring.current().keyId);
    expect(keyEnvelopeEntries(owner.box, 'nb', owner.meta).filter((e) => [phone.deviceId, tablet.deviceId].includes(e.place.recipientDeviceId))).toEqual([]);
  });

  it('E_SIGNER: the vault doc refuses what a signed-out device signs, even sealed under the new vault key', () => {
    const [laptop, phone] = [newDevice(), newDevice()];
    const key = randomVaultKey();
    const box = new Y.Doc();
    const onLaptop = new Y.Doc();
    const { sealed, approvals } = sealVaultDoc({ vaultId: VAULT_ID, plain: onLaptop, box, key, signer: laptop.signing });
    registerDevice(onLaptop, laptop.deviceId, laptop.signing.publicKey, laptop.box.publicKey);
    registerDevice(onLaptop, phone.deviceId, phone.signing.publicKey, phone.box.publicKey);
    approvals.adoptListedDevices();
    sealed.flush();

    // The phone somehow holds the new key and writes before and after its sign-out.
    const onPhone = new Y.Doc();
    const phoneBox = new Y.Doc();
    const deliver = (): void => syncBoxes({ box }, { box: phoneBox });
    const phoneSealed = sealVaultDoc({ vaultId: VAULT_ID, plain: onPhone, box: phoneBox, key, signer: phone.signing }).sealed;
    onPhone.getMap('notebooks').set('before', new Y.Map());
    phoneSealed.flush();
    deliver();
    expect(onLaptop.getMap('notebooks').has('before')).toBe(true);

    writeDeviceRevocation(onLaptop, VAULT_ID, phone.deviceId, laptop.signing);
    sealed.flush();
    onPhone.getMap('notebooks').set('after', new Y.Map());
    phoneSealed.flush();
    deliver();
    expect(onLaptop.getMap('notebooks').has('after')).toBe(false);
    expect([...sealed.quarantine.values()].map((q) => q.code)).toEqual(['E_SIGNER']);
  });
});
