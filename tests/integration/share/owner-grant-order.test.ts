import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newKeyId, sodiumReady } from '../../../crypto/index.ts';
import { addMember, bindMemberPolicy, foundMembers, isCurrentOwner, readMember } from '../../../sync/share/members.ts';
import { addOwnDevices } from '../../../sync/share/own-devices.ts';
import { ownerGrantors, writeOwnerGrant } from '../../../sync/vault/owner-grants.ts';
import { registerDevice } from '../../../sync/vault-doc/vault-doc.ts';
import { newDevice, type TestDevice } from './share-harness.ts';

beforeAll(sodiumReady);


const keys = (d: TestDevice) => ({ signingPublicKey: d.signing.publicKey, boxPublicKey: d.box.publicKey });
/** A notebook replica founded by `founder`; its member list read as the app reads an opened one. */
const notebookReplica = (founder: TestDevice, strict = true): Y.Doc => {
  const doc = new Y.Doc();
  bindMemberPolicy(doc, { notebookId: 'nb-owner-grant', founder: founder.signing.publicKey, strict: () => strict });
  return doc;
};

describe('an owner grant and the order the person\'s devices add a new one (own-devices.ts)', () => {
  it('the laptop links the tablet as an owner; the writer phone sees the tablet listed first: the tablet still ends up an owner of the laptop\'s notebook (the phone left it to an owner; it was added as a writer for good)', () => {
    const [laptop, phone, tablet] = [newDevice(), newDevice(), newDevice()];
    const vaultId = newKeyId();
    const vaultDoc = new Y.Doc();
    for (const d of [laptop, phone, tablet]) registerDevice(vaultDoc, d.deviceId, d.signing.publicKey, d.box.publicKey);
    writeOwnerGrant(vaultDoc, vaultId, tablet.signing.publicKey, laptop.signing);

    const onLaptop = notebookReplica(laptop);
    foundMembers(onLaptop, keys(laptop), laptop.signing);
    addMember(onLaptop, keys(phone), 'member', laptop.signing);
    const onPhone = notebookReplica(laptop);
    Y.applyUpdate(onPhone, Y.encodeStateAsUpdate(onLaptop));
    const mayOwn = (doc: Y.Doc) => (deviceId: string) => ownerGrantors(vaultDoc, vaultId, deviceId).some((granter) => isCurrentOwner(doc, granter));

    // The phone (a writer) applies the vault doc first, then its notebook reaches the laptop.
    addOwnDevices(onPhone, vaultDoc, phone.signing, () => true, mayOwn(onPhone));
    Y.applyUpdate(onLaptop, Y.encodeStateAsUpdate(onPhone));
    addOwnDevices(onLaptop, vaultDoc, laptop.signing, () => true, mayOwn(onLaptop));
    Y.applyUpdate(onPhone, Y.encodeStateAsUpdate(onLaptop));
    for (const doc of [onLaptop, onPhone]) expect(readMember(doc, tablet.deviceId)?.role).toBe('owner');
  });

  it('a device without a grant is still added by a writer device, as a writer (in a notebook from before owner-signed records: in a strict one only an owner\'s record counts)', () => {
    const [laptop, phone, reader] = [newDevice(), newDevice(), newDevice()];
    const vaultId = newKeyId();
    const vaultDoc = new Y.Doc();
    for (const d of [laptop, phone, reader]) registerDevice(vaultDoc, d.deviceId, d.signing.publicKey, d.box.publicKey);
    const onPhone = notebookReplica(laptop, false);
    foundMembers(onPhone, keys(laptop), laptop.signing);
    addMember(onPhone, keys(phone), 'member', laptop.signing);
    addOwnDevices(onPhone, vaultDoc, phone.signing, () => true, (deviceId) => ownerGrantors(vaultDoc, vaultId, deviceId).some((granter) => isCurrentOwner(onPhone, granter)));
    expect(readMember(onPhone, reader.deviceId)?.role).toBe('member');
  });
});
