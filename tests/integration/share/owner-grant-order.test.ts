import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newKeyId, sodiumReady } from '../../../crypto/index.ts';
import { addMember, foundMembers, isCurrentOwner, readMember } from '../../../sync/share/members.ts';
import { addOwnDevices } from '../../../sync/share/own-devices.ts';
import { ownerGrantors, writeOwnerGrant } from '../../../sync/vault/owner-grants.ts';
import { registerDevice } from '../../../sync/vault/vault-doc.ts';
import { newDevice, type TestDevice } from './share-harness.ts';

beforeAll(sodiumReady);

const keys = (d: TestDevice) => ({ signingPublicKey: d.signing.publicKey, boxPublicKey: d.box.publicKey });

describe('an owner grant and the order the person\'s devices add a new one (own-devices.ts)', () => {
  it('the laptop links the tablet as an owner; the writer phone sees the tablet listed first: the tablet still ends up an owner of the laptop\'s notebook (the phone left it to an owner; it was added as a writer for good)', () => {
    const [laptop, phone, tablet] = [newDevice(), newDevice(), newDevice()];
    const vaultId = newKeyId();
    const vaultDoc = new Y.Doc();
    for (const d of [laptop, phone, tablet]) registerDevice(vaultDoc, d.deviceId, d.signing.publicKey, d.box.publicKey);
    writeOwnerGrant(vaultDoc, vaultId, tablet.signing.publicKey, laptop.signing);

    const onLaptop = new Y.Doc();
    foundMembers(onLaptop, keys(laptop));
    addMember(onLaptop, keys(phone), 'member', laptop.deviceId);
    const onPhone = new Y.Doc();
    Y.applyUpdate(onPhone, Y.encodeStateAsUpdate(onLaptop));
    const mayOwn = (doc: Y.Doc) => (deviceId: string) => ownerGrantors(vaultDoc, vaultId, deviceId).some((granter) => isCurrentOwner(doc, granter));

    // The phone (a writer) applies the vault doc first, then its notebook reaches the laptop.
    addOwnDevices(onPhone, vaultDoc, phone.deviceId, () => true, mayOwn(onPhone));
    Y.applyUpdate(onLaptop, Y.encodeStateAsUpdate(onPhone));
    addOwnDevices(onLaptop, vaultDoc, laptop.deviceId, () => true, mayOwn(onLaptop));
    Y.applyUpdate(onPhone, Y.encodeStateAsUpdate(onLaptop));
    for (const doc of [onLaptop, onPhone]) expect(readMember(doc, tablet.deviceId)?.role).toBe('owner');
  });

  it('a device without a grant is still added by a writer device, as a writer', () => {
    const [laptop, phone, reader] = [newDevice(), newDevice(), newDevice()];
    const vaultId = newKeyId();
    const vaultDoc = new Y.Doc();
    for (const d of [laptop, phone, reader]) registerDevice(vaultDoc, d.deviceId, d.signing.publicKey, d.box.publicKey);
    const onPhone = new Y.Doc();
    foundMembers(onPhone, keys(laptop));
    addMember(onPhone, keys(phone), 'member', laptop.deviceId);
    addOwnDevices(onPhone, vaultDoc, phone.deviceId, () => true, (deviceId) => ownerGrantors(vaultDoc, vaultId, deviceId).some((granter) => isCurrentOwner(onPhone, granter)));
    expect(readMember(onPhone, reader.deviceId)?.role).toBe('member');
  });
});
