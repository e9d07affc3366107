import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { keysMap, sealKeyEnvelope } from '../../../sync/share/key-envelope.ts';
import { addMember, foundMembers, readMember } from '../../../sync/share/members.ts';
import { parseInviteLink } from '../../../sync/share/invite-link.ts';
import { createInvite, openInviteKeys, redeemInvite } from '../../../sync/share/join-notebook.ts';
import { addOwnDevices } from '../../../sync/share/own-devices.ts';
import { chooseCurrentKey, handCurrentKey, pickUpNotebookKeys, removeMemberAndRotate, syncKeysFromVault } from '../../../sync/share/rotate-key.ts';
import { addJoinedNotebook, registerDevice } from '../../../sync/vault-doc/vault-doc.ts';
import { approvedBy, firstKey, keyringWith, memberKeys, newDevice, openReplica, quarantineCodes, syncBoxes, syncDocs, testRoomOf, titles, type TestDevice } from './share-harness.ts';

beforeAll(sodiumReady);
const ID = 'nb-rotate-1';

/** A vault doc listing the notebook and the given devices of one person. */
function vaultOf(k1: { keyId: string; key: Uint8Array }, ...devices: TestDevice[]): Y.Doc {
  const doc = new Y.Doc();
  addJoinedNotebook(doc, ID, 'Shared', k1.keyId, k1.key);
  for (const d of devices) registerDevice(doc, d.deviceId, d.signing.publicKey, d.box.publicKey);
  return doc;
}

/** Alice (two devices), Bob and Carol share a notebook; everyone has written and synced. */
function sharedByFour() {
  const [alice1, alice2, bob, carol] = [newDevice(), newDevice(), newDevice(), newDevice()];
  const k1 = firstKey();
  const aliceVault = vaultOf(k1, alice1, alice2);
  const aliceVault2 = new Y.Doc();
  syncDocs(aliceVault, aliceVault2);
  const open = (device: TestDevice, vaultDoc: Y.Doc) => openReplica({ id: ID, device, keyring: keyringWith(k1), founder: alice1.deviceId, vaultDoc });
  const a1 = open(alice1, aliceVault);
  foundMembers(a1.plain, memberKeys(alice1), alice1.signing);
  addOwnDevices(a1.plain, aliceVault, alice1.signing, approvedBy(aliceVault, alice1, alice2).approved);
  addMember(a1.plain, memberKeys(bob), 'member', alice1.signing);
  addMember(a1.plain, memberKeys(carol), 'member', alice1.signing);
  const a2 = open(alice2, aliceVault2);
  const b = open(bob, vaultOf(k1, bob));
  const c = open(carol, vaultOf(k1, carol));
  const all = [a1, a2, b, c];
  for (const [i, nb] of all.entries()) createNote(nb.plain, { title: `before-${i}` });
  for (const nb of all) nb.sealed.flush();
  syncBoxes(...all);
  return { alice1, bob, carol, k1, aliceVault, aliceVault2, a1, a2, b, c, all };
}

describe('key rotation on removal', () => {
  it('the removed member keeps the old key and the whole box but reads nothing new; what it signs later is quarantined', () => {
    const s = sharedByFour();
    expect(s.all.map((nb) => titles(nb).length)).toEqual([4, 4, 4, 4]);
    expect(s.all.flatMap(quarantineCodes)).toEqual([]);

    const rotated = removeMemberAndRotate(s.a1, s.carol.deviceId);
    if (!rotated.ok) throw new Error(rotated.error.message);
    const { keyId } = rotated.value;
    createNote(s.a1.plain, { title: 'after-alice' });
    s.a1.sealed.flush();
    syncBoxes(...s.all);
    // Carol, removed, still writes under the old key and syncs the box.
    createNote(s.c.plain, { title: 'after-carol' });
    s.c.sealed.flush();
    syncBoxes(...s.all);

    // Only Bob (another person) got a key envelope; Alice's second device reads the vault doc.
    expect([...keysMap(s.a1.box).keys()]).toEqual([`${s.a1.meta.slot(s.bob.deviceId)}/${keyId}`]);
    expect(pickUpNotebookKeys(s.b)).toEqual([keyId]);
    expect(pickUpNotebookKeys(s.c)).toEqual([]);
    syncDocs(s.aliceVault, s.aliceVault2);
    expect(syncKeysFromVault(s.a2)).toBe(true);
    expect(s.b.keyring.current().keyId).toBe(keyId);
    createNote(s.b.plain, { title: 'after-bob' });
    s.b.sealed.flush();
    syncBoxes(...s.all);

    const expected = ['after-alice', 'after-bob', 'before-0', 'before-1', 'before-2', 'before-3'];
    for (const nb of [s.a1, s.a2, s.b]) {
      expect(titles(nb)).toEqual(expected);
      expect(quarantineCodes(nb)).toEqual(['E_SIGNER']);
      expect(readMember(nb.plain, s.carol.deviceId)?.removedAt).toBeTypeOf('number');
    }
    expect(titles(s.c)).toEqual(['after-carol', 'before-0', 'before-1', 'before-2', 'before-3']);
    expect(new Set(quarantineCodes(s.c))).toEqual(new Set(['E_KEY_UNKNOWN']));
    expect(quarantineCodes(s.c).length).toBeGreaterThanOrEqual(2);
  });

  it('a key envelope planted by a non-member (or the removed member) is ignored', () => {
    const s = sharedByFour();
    const rotated = removeMemberAndRotate(s.a1, s.carol.deviceId);
    if (!rotated.ok) throw new Error(rotated.error.message);
    const { keyId } = rotated.value;
    syncBoxes(...s.all);
    const fake = firstKey();
    const place = { notebookId: ID, recipientDeviceId: s.bob.deviceId, keyId: fake.keyId };
    keysMap(s.c.box).set(`${s.bob.deviceId}/${fake.keyId}`, sealKeyEnvelope(place, s.bob.box.publicKey, fake.key, Date.now() + 1e6, s.carol.signing));
    keysMap(s.c.box).set(`${s.bob.deviceId}/${firstKey().keyId}`, new Uint8Array([1, 2, 3]));
    syncBoxes(...s.all);
    expect(pickUpNotebookKeys(s.b)).toEqual([keyId]);
    expect(s.b.keyring.current().keyId).toBe(keyId);
    expect(s.b.keyring.has(fake.keyId)).toBe(false);
  });

  it('E_NOT_OWNER: a member who is not an owner cannot remove anyone; nothing changes', () => {
    const s = sharedByFour();
    const before = s.b.keyring.current().keyId;
    const refused = removeMemberAndRotate(s.b, s.carol.deviceId);
    expect(refused.ok ? 'ok' : refused.error.code).toBe('E_NOT_OWNER');
    expect(s.b.keyring.current().keyId).toBe(before);
    expect(readMember(s.b.plain, s.carol.deviceId)?.removedAt).toBeUndefined();
  });

  it('a joiner invited before a rotation gets the new key through the invite and can redeem after it', () => {
    const s = sharedByFour();
    const { link } = createInvite({
      origin: 'https://obscura.example', notebookId: ID, notebookName: 'Shared', founderSigningPublicKey: s.alice1.signing.publicKey,
      room: testRoomOf(ID), plain: s.a1.plain, sealed: s.a1.sealed, inviter: s.alice1.signing,
    });
    handCurrentKey(s.a1);
    const inv = parseInviteLink(link);
    if (!inv.ok) throw new Error(inv.error.message);
    const rotated = removeMemberAndRotate(s.a1, s.carol.deviceId);
    if (!rotated.ok) throw new Error(rotated.error.message);
    createNote(s.a1.plain, { title: 'after-rotation' });
    s.a1.sealed.flush();

    const dave = newDevice();
    const box = new Y.Doc();
    syncBoxes(s.a1, { box });
    // The invite got the key of its time and, from the rotation, the new one: both signed by the inviter.
    const keys = openInviteKeys(box, inv.value);
    expect(keys.map((k) => k.keyId).sort()).toEqual([s.k1.keyId, rotated.value.keyId].sort());
    const d = openReplica({ id: ID, device: dave, keyring: keyringWith(...keys), founder: inv.value.founderDeviceId, box });
    const early = redeemInvite(inv.value, new Y.Doc(), d.box, memberKeys(dave), d.keyring.current());
    expect(early.ok ? 'ok' : early.error.code).toBe('E_INVITE_PENDING');
    expect(titles(d)).toContain('after-rotation');
    chooseCurrentKey(d);
    expect(d.keyring.current().keyId).toBe(rotated.value.keyId);
    expect(redeemInvite(inv.value, d.plain, d.box, memberKeys(dave), d.keyring.current()).ok).toBe(true);
    createNote(d.plain, { title: 'dave' });
    d.sealed.flush();
    syncBoxes(s.a1, d);
    expect(titles(s.a1)).toContain('dave');
    expect(quarantineCodes(s.a1)).toEqual([]);
  });
});
