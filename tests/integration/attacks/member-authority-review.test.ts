import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady, toBase64Url } from '../../../crypto/index.ts';
import { currentMemberHead } from '../../../sync/share/member-authority.ts';
import { putMemberHead } from '../../../sync/share/member-head-codec.ts';
import { writeMemberHead } from '../../../sync/share/member-head.ts';
import { approveMember, pendingMembers } from '../../../sync/share/member-requests.ts';
import { addMember, isCurrentMember, isCurrentOwner, membersMap, readRawMember } from '../../../sync/share/members.ts';
import { isRevoked } from '../../../sync/share/revocations.ts';
import { handCurrentKey, pickUpNotebookKeys, removeMemberAndRotate } from '../../../sync/share/rotate-key.ts';
import { headRow, memberKeys, newDevice, syncBoxes, notebookWith } from '../share/share-harness.ts';

/**
 * The security review of owner-signed member records (issue 13 §3): each case is something a
 * member writes that the first version of owner-signed records let through.
 */
beforeAll(sodiumReady);
const ID = 'nb-member-authority-review';

describe('attack: member records after the review of owner-signed records', () => {
  it('a member signs a head at the highest version: the owner still removes her (revocation, new key she never gets) and still writes heads', () => {
    const mallory = newDevice();
    const { alice, onAlice, replicas: [onMallory] } = notebookWith(ID, mallory);
    if (!onMallory) throw new Error('no replica');
    putMemberHead(onMallory.box, ID, onMallory.meta, Number.MAX_SAFE_INTEGER, new Map([[mallory.deviceId, headRow(1)]]), mallory.signing);
    syncBoxes(onAlice, onMallory);
    // What the members observer of an open notebook calls on every change.
    expect(() => writeMemberHead(onAlice)).not.toThrow();
    const keyBefore = onMallory.keyring.current().keyId;
    const removed = removeMemberAndRotate(onAlice, mallory.deviceId);
    expect(removed.ok).toBe(true);
    expect(isRevoked(onAlice.box, ID, onAlice.meta, mallory.deviceId, (id) => id === alice.deviceId)).toBe(true);
    syncBoxes(onAlice, onMallory);
    expect(pickUpNotebookKeys(onMallory, [alice.deviceId])).toEqual([]);
    expect(onMallory.keyring.current().keyId).toBe(keyBefore);
    expect(isCurrentMember(onAlice.plain, mallory.signing.publicKey)).toBe(false);
  });

  it('a member rewrites its own record with a time no signature can hold (addedAt 1.5): the owner still removes it', () => {
    const mallory = newDevice();
    const { alice, onAlice, replicas: [onMallory] } = notebookWith(ID, mallory);
    if (!onMallory) throw new Error('no replica');
    const fields = (membersMap(onMallory.plain).get(mallory.deviceId) as Y.Map<unknown>).toJSON() as Record<string, unknown>;
    const junk = new Y.Map<unknown>();
    for (const [field, value] of Object.entries({ ...fields, addedAt: 1.5 })) junk.set(field, value);
    membersMap(onMallory.plain).set(mallory.deviceId, junk);
    onMallory.sealed.flush();
    syncBoxes(onAlice, onMallory);
    const keyBefore = onMallory.keyring.current().keyId;
    expect(removeMemberAndRotate(onAlice, mallory.deviceId).ok).toBe(true);
    expect(isRevoked(onAlice.box, ID, onAlice.meta, mallory.deviceId, (id) => id === alice.deviceId)).toBe(true);
    syncBoxes(onAlice, onMallory);
    expect(pickUpNotebookKeys(onMallory, [alice.deviceId])).toEqual([]);
    expect(onMallory.keyring.current().keyId).toBe(keyBefore);
  });

  it('a removed owner\'s old record written back by a member, and a record the removed owner\'s stolen device signs: the stranger is no owner and gets no key', () => {
    const [owen, mallory, stranger] = [newDevice(), newDevice(), newDevice()];
    const { alice, onAlice, replicas: [onMallory] } = notebookWith(ID, mallory);
    if (!onMallory) throw new Error('no replica');
    addMember(onAlice.plain, memberKeys(owen), 'owner', alice.signing);
    onAlice.sealed.flush();
    writeMemberHead(onAlice);
    const old = (membersMap(onAlice.plain).get(owen.deviceId) as Y.Map<unknown>).toJSON() as Record<string, unknown>;
    expect(removeMemberAndRotate(onAlice, owen.deviceId).ok).toBe(true);
    syncBoxes(onAlice, onMallory);
    // Mallory holds the new key and the removal, so what she writes now replaces it everywhere.
    expect(pickUpNotebookKeys(onMallory, [alice.deviceId])).toHaveLength(1);
    expect(readRawMember(onMallory.plain, owen.deviceId)?.removedAt).toBeDefined();
    const replay = new Y.Map<unknown>();
    for (const [field, value] of Object.entries(old)) replay.set(field, value);
    membersMap(onMallory.plain).set(owen.deviceId, replay);
    // Owen's device (stolen, or Owen himself) signs the stranger in as owner; Mallory writes it.
    addMember(onMallory.plain, memberKeys(stranger), 'owner', owen.signing);
    onMallory.sealed.flush();
    syncBoxes(onAlice, onMallory);
    expect(readRawMember(onAlice.plain, owen.deviceId)?.version, 'the replayed record is what Alice stores').toBe(1);
    expect(readRawMember(onAlice.plain, stranger.deviceId)?.role).toBe('owner');
    expect(isCurrentOwner(onAlice.plain, owen.deviceId)).toBe(false);
    expect(isCurrentOwner(onAlice.plain, stranger.deviceId)).toBe(false);
    expect(handCurrentKey(onAlice)).not.toContain(stranger.deviceId);
  });

  it('a member writes a request in another member\'s name with a signature that does not hold: no owner sees it as waiting nor can approve it', () => {
    const [bob, mallory, stranger] = [newDevice(), newDevice(), newDevice()];
    const { onAlice, replicas: [onBob, onMallory] } = notebookWith(ID, bob, mallory);
    if (!onBob || !onMallory) throw new Error('no replica');
    const forged = new Y.Map<unknown>();
    const fields = {
      signingPublicKey: toBase64Url(stranger.signing.publicKey),
      boxPublicKey: toBase64Url(stranger.box.publicKey),
      role: 'member',
      addedBy: bob.deviceId,
      addedAt: Date.now(),
      version: 1,
      sig: toBase64Url(new Uint8Array([...bob.signing.publicKey, ...new Uint8Array(64)])),
    };
    for (const [field, value] of Object.entries(fields)) forged.set(field, value);
    membersMap(onMallory.plain).set(stranger.deviceId, forged);
    onMallory.sealed.flush();
    syncBoxes(onAlice, onBob, onMallory);
    expect(membersMap(onAlice.plain).has(stranger.deviceId)).toBe(true);
    expect(pendingMembers(onAlice.plain).map((r) => r.deviceId)).not.toContain(stranger.deviceId);
    expect(approveMember(onAlice, stranger.deviceId).ok).toBe(false);
    expect(isCurrentMember(onAlice.plain, stranger.signing.publicKey)).toBe(false);
  });

  it('a removed owner\'s device also signs a newer head naming its old record: the head does not count, the owner stays removed, the stranger is no owner', () => {
    const [owen, mallory, stranger] = [newDevice(), newDevice(), newDevice()];
    const { alice, onAlice, replicas: [onMallory] } = notebookWith(ID, mallory);
    if (!onMallory) throw new Error('no replica');
    addMember(onAlice.plain, memberKeys(owen), 'owner', alice.signing);
    onAlice.sealed.flush();
    writeMemberHead(onAlice);
    const old = (membersMap(onAlice.plain).get(owen.deviceId) as Y.Map<unknown>).toJSON() as Record<string, unknown>;
    expect(removeMemberAndRotate(onAlice, owen.deviceId).ok).toBe(true);
    const aliceHead = currentMemberHead(onAlice.plain);
    syncBoxes(onAlice, onMallory);
    expect(pickUpNotebookKeys(onMallory, [alice.deviceId])).toHaveLength(1);
    const replay = new Y.Map<unknown>();
    for (const [field, value] of Object.entries(old)) replay.set(field, value);
    membersMap(onMallory.plain).set(owen.deviceId, replay);
    addMember(onMallory.plain, memberKeys(stranger), 'owner', owen.signing);
    onMallory.sealed.flush();
    // Alice's head with Owen's row lowered back to his old record, and the stranger added.
    const rows = new Map(aliceHead?.records);
    rows.set(owen.deviceId, { ...headRow(1), owner: true });
    rows.set(stranger.deviceId, { ...headRow(1), owner: true });
    putMemberHead(onMallory.box, ID, onMallory.meta, (aliceHead?.version ?? 0) + 1, rows, owen.signing);
    syncBoxes(onAlice, onMallory);
    expect(currentMemberHead(onAlice.plain)?.signerDeviceId).toBe(alice.deviceId);
    expect(isCurrentOwner(onAlice.plain, owen.deviceId)).toBe(false);
    expect(isCurrentOwner(onAlice.plain, stranger.deviceId)).toBe(false);
    expect(handCurrentKey(onAlice)).not.toContain(stranger.deviceId);
    // And Alice's next head follows her own, not the one that did not count.
    addMember(onAlice.plain, memberKeys(newDevice()), 'member', alice.signing);
    expect(writeMemberHead(onAlice)).toBe(true);
    expect(currentMemberHead(onAlice.plain)?.signerDeviceId).toBe(alice.deviceId);
  });
});
