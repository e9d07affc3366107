import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newKeyId, randomVaultKey, sodiumReady, type VaultKey } from '../../../crypto/index.ts';
import { deviceApprovals, type ApprovalPlace } from '../../../sync/vault/device-approvals.ts';
import { writeDeviceRevocation } from '../../../sync/vault-doc/device-revocations.ts';
import { registerDevice } from '../../../sync/vault-doc/vault-doc.ts';
import { sealVaultDoc, vaultWriterSlot } from '../../../sync/vault/vault-doc-sealing.ts';
import { newDevice, type TestDevice } from '../share/share-harness.ts';

beforeAll(sodiumReady);

let key: VaultKey;
let vaultId = '';
beforeAll(() => {
  key = randomVaultKey();
  vaultId = newKeyId();
});

const place = (box: Y.Doc, doc: Y.Doc, id = vaultId): ApprovalPlace => ({ box, doc, vaultId: id, key, slot: vaultWriterSlot(key, id) });
const sync = (a: Y.Doc, b: Y.Doc): void => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'peer');
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'peer');
};
const listed = (doc: Y.Doc, ...devices: TestDevice[]): Y.Doc => {
  for (const d of devices) registerDevice(doc, d.deviceId, d.signing.publicKey, d.box.publicKey);
  return doc;
};

describe('device approvals (sync/vault/device-approvals.ts)', () => {
  it('a chain of device links: A links B, B links C; each takes the others for the person\'s, a device nobody approved for nobody\'s', () => {
    const [a, b, c, stranger] = [newDevice(), newDevice(), newDevice(), newDevice()];
    const box = new Y.Doc();
    const doc = listed(new Y.Doc(), a, b, c, stranger);
    const [onA, onB, onC, onStranger] = [a, b, c, stranger].map((d) => deviceApprovals(place(box, doc), d.signing)) as [ReturnType<typeof deviceApprovals>, ReturnType<typeof deviceApprovals>, ReturnType<typeof deviceApprovals>, ReturnType<typeof deviceApprovals>];
    onA.adoptListedDevices();
    expect(onA.strict).toBe(true);
    // A's adoption took every device listed then; start over with links only.
    onA.startOver();
    onA.approve(b.signing.publicKey);
    onB.approve(b.signing.publicKey);
    onB.approve(a.signing.publicKey);
    onB.approve(c.signing.publicKey);
    onC.approve(c.signing.publicKey);
    onC.approve(b.signing.publicKey);
    // The stranger holds the vault key: it approves itself and everyone, and nobody it.
    onStranger.adoptListedDevices();
    for (const view of [onA, onB, onC]) {
      expect([a, b, c].every((d) => view.approved(d.deviceId))).toBe(true);
      expect(view.approved(stranger.deviceId)).toBe(false);
    }
    expect(onStranger.approved(a.deviceId), 'the stranger may trust whom it likes').toBe(true);
  });

  it('a revoked device counts for nothing and passes no approval on', () => {
    const [a, b, c] = [newDevice(), newDevice(), newDevice()];
    const box = new Y.Doc();
    const doc = listed(new Y.Doc(), a, b, c);
    const [onA, onB] = [a, b].map((d) => deviceApprovals(place(box, doc), d.signing)) as [ReturnType<typeof deviceApprovals>, ReturnType<typeof deviceApprovals>];
    onA.approve(a.signing.publicKey);
    onA.approve(b.signing.publicKey);
    onB.approve(c.signing.publicKey);
    expect(onA.approved(c.deviceId)).toBe(true);
    writeDeviceRevocation(doc, vaultId, b.deviceId, a.signing);
    expect(onA.approved(b.deviceId)).toBe(false);
    expect(onA.approved(c.deviceId)).toBe(false);
  });

  it('an approval that is tampered with, moved to another key or made for another vault counts for nothing; a remote delete of one is put back', () => {
    const [a, b, c] = [newDevice(), newDevice(), newDevice()];
    const box = new Y.Doc();
    const doc = listed(new Y.Doc(), a, b, c);
    const onA = deviceApprovals(place(box, doc), a.signing);
    onA.approve(a.signing.publicKey);
    const approvals = box.getMap<Uint8Array>('approvals');
    const selfKey = [...approvals.keys()][0] as string;

    // Made for another vault (same key, other id): its place and signature are that vault's.
    const elsewhere = new Y.Doc();
    deviceApprovals(place(elsewhere, doc, newKeyId()), a.signing).approve(b.signing.publicKey);
    for (const [k, v] of elsewhere.getMap<Uint8Array>('approvals')) approvals.set(k, v);
    expect(onA.approved(b.deviceId)).toBe(false);

    // A's real approval of B, flipped; and moved under C's place.
    const scratch = new Y.Doc();
    deviceApprovals(place(scratch, doc), a.signing).approve(b.signing.publicKey);
    const [[bKey, bValue]] = [...scratch.getMap<Uint8Array>('approvals').entries()].filter(([k]) => k !== selfKey) as [[string, Uint8Array]];
    const flipped = bValue.slice();
    flipped[40] = (flipped[40] as number) ^ 1;
    approvals.set(bKey, flipped);
    expect(onA.approved(b.deviceId)).toBe(false);
    const slot = vaultWriterSlot(key, vaultId);
    approvals.set(`${slot(a.deviceId)}/${slot(c.deviceId)}`, bValue);
    expect(onA.approved(c.deviceId)).toBe(false);
    approvals.set(bKey, bValue);
    expect(onA.approved(b.deviceId)).toBe(true);

    // Someone with the room id deletes A's own approval through the relay: it comes back.
    const remote = new Y.Doc();
    sync(box, remote);
    remote.getMap('approvals').delete(selfKey);
    Y.applyUpdate(box, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(box)), 'peer');
    expect(approvals.has(selfKey)).toBe(true);
    expect(onA.strict).toBe(true);
  });

  it('E_SIGNER: the vault doc sets aside what an unapproved device writes, and applies it once an approval arrives, in whatever order', () => {
    const [laptop, phone] = [newDevice(), newDevice()];
    const [laptopBox, phoneBox] = [new Y.Doc(), new Y.Doc()];
    const [laptopDoc, phoneDoc] = [listed(new Y.Doc(), laptop), new Y.Doc()];
    const onLaptop = sealVaultDoc({ vaultId, plain: laptopDoc, box: laptopBox, key, signer: laptop.signing });
    onLaptop.approvals.adoptListedDevices();
    onLaptop.sealed.flush();
    const onPhone = sealVaultDoc({ vaultId, plain: phoneDoc, box: phoneBox, key, signer: phone.signing });
    onPhone.approvals.approve(phone.signing.publicKey);
    onPhone.approvals.approve(laptop.signing.publicKey);
    phoneDoc.getMap('notebooks').set('from-phone', new Y.Map());
    onPhone.sealed.flush();

    Y.applyUpdate(laptopBox, Y.encodeStateAsUpdate(phoneBox), 'peer');
    expect(laptopDoc.getMap('notebooks').has('from-phone')).toBe(false);
    expect([...onLaptop.sealed.quarantine.values()].map((q) => q.code)).toEqual(['E_SIGNER']);

    // The person links the phone on the laptop: its approval lets the set-aside entry in.
    onLaptop.approvals.approve(phone.signing.publicKey);
    expect(laptopDoc.getMap('notebooks').has('from-phone')).toBe(true);
    expect(onLaptop.sealed.quarantine.size).toBe(0);
    sync(laptopBox, phoneBox);
    expect(onPhone.sealed.quarantine.size).toBe(0);
    onLaptop.destroy();
    onPhone.destroy();
  });
});
