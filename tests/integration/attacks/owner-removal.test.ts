import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { currentMemberHead } from '../../../sync/share/member-authority.ts';
import { MAX_HEAD_VERSION, putMemberHead } from '../../../sync/share/member-head-codec.ts';
import { memberListStatus, writeMemberHead } from '../../../sync/share/member-head.ts';
import { addMember, foundMembers, isCurrentMember, isCurrentOwner, markMemberRemoved, readMember } from '../../../sync/share/members.ts';
import { pickUpNotebookKeys, removeMemberAndRotate } from '../../../sync/share/rotate-key.ts';
import { firstKey, foundedWith, keyringWith, memberKeys, newDevice, openReplica, quarantineCodes, syncBoxes, testRoom, titles, type TestDevice } from '../share/share-harness.ts';

/**
 * Removing an owner (review findings 3 and 5 of owner-signed member records): the members the
 * removed owner signed stay members, and removing the founder leaves the other owners a notebook
 * that works. The founder is pinned by its signing key, as the app pins it.
 */
beforeAll(sodiumReady);
const ID = 'nb-owner-removal';

function notebook(founder: TestDevice, owner: TestDevice, member: TestDevice, memberSigner: 'founder' | 'owner') {
  const key = firstKey();
  const open = (device: TestDevice) => openReplica({ id: ID, device, keyring: keyringWith(key), founder: founder.signing.publicKey });
  const onFounder = open(founder);
  foundMembers(onFounder.plain, memberKeys(founder), founder.signing);
  addMember(onFounder.plain, memberKeys(owner), 'owner', founder.signing);
  onFounder.sealed.flush();
  const onOwner = open(owner);
  syncBoxes(onFounder, onOwner);
  expect(isCurrentOwner(onOwner.plain, owner.deviceId)).toBe(true);
  const adder = memberSigner === 'founder' ? onFounder : onOwner;
  addMember(adder.plain, memberKeys(member), 'member', adder.self.signing);
  adder.sealed.flush();
  writeMemberHead(onFounder);
  writeMemberHead(onOwner);
  const onMember = open(member);
  syncBoxes(onFounder, onOwner, onMember);
  expect(isCurrentMember(onFounder.plain, member.signing.publicKey)).toBe(true);
  return { key, onFounder, onOwner, onMember };
}

describe('attack: removing an owner of a notebook with owner-signed member records', () => {
  it('finding 3: Bob, an owner the founder added, removes the founder: Bob and Carol stay members, Carol gets the new key, the founder is refused', () => {
    const [alice, bob, carol] = [newDevice(), newDevice(), newDevice()];
    const { key, onFounder, onOwner, onMember } = notebook(alice, bob, carol, 'founder');
    const removed = removeMemberAndRotate(onOwner, alice.deviceId);
    if (!removed.ok) throw new Error(removed.error.message);
    syncBoxes(onFounder, onOwner, onMember);
    expect(pickUpNotebookKeys(onMember, [alice.signing.publicKey])).toEqual([removed.value.keyId]);
    expect(pickUpNotebookKeys(onFounder, [alice.signing.publicKey])).toEqual([]);
    expect(onFounder.keyring.current().keyId).toBe(key.keyId);
    for (const nb of [onOwner, onMember]) {
      expect(isCurrentOwner(nb.plain, bob.deviceId)).toBe(true);
      expect(isCurrentMember(nb.plain, carol.signing.publicKey)).toBe(true);
      expect(isCurrentMember(nb.plain, alice.signing.publicKey)).toBe(false);
      expect(readMember(nb.plain, alice.deviceId)?.removedAt).toBeTypeOf('number');
      expect(memberListStatus(nb)).toEqual({ ok: true, value: { members: 3 } });
    }
    // The removed founder writes under the key it still holds; Carol under the new one.
    createNote(onFounder.plain, { title: 'by the removed founder' });
    onFounder.sealed.flush();
    createNote(onMember.plain, { title: 'by carol' });
    onMember.sealed.flush();
    syncBoxes(onFounder, onOwner, onMember);
    for (const nb of [onOwner, onMember]) {
      expect(titles(nb)).toEqual(['by carol']);
      expect(quarantineCodes(nb)).toEqual(['E_SIGNER']);
    }
  });

  it('finding 5: the founder removes Owen, an owner who added Carol: Carol stays a member, gets the new key and her notes apply; what Owen signs afterwards counts for nothing', () => {
    const [alice, owen, carol, stranger] = [newDevice(), newDevice(), newDevice(), newDevice()];
    const { onFounder, onOwner, onMember } = notebook(alice, owen, carol, 'owner');
    const removed = removeMemberAndRotate(onFounder, owen.deviceId);
    if (!removed.ok) throw new Error(removed.error.message);
    syncBoxes(onFounder, onOwner, onMember);
    expect(pickUpNotebookKeys(onMember, [alice.signing.publicKey])).toEqual([removed.value.keyId]);
    // Owen's device, removed, still signs a record for a stranger.
    addMember(onOwner.plain, memberKeys(stranger), 'owner', owen.signing);
    onOwner.sealed.flush();
    createNote(onMember.plain, { title: 'by carol' });
    onMember.sealed.flush();
    syncBoxes(onFounder, onOwner, onMember);
    for (const nb of [onFounder, onMember]) {
      expect(isCurrentMember(nb.plain, carol.signing.publicKey)).toBe(true);
      expect(isCurrentMember(nb.plain, owen.signing.publicKey)).toBe(false);
      expect(isCurrentMember(nb.plain, stranger.signing.publicKey)).toBe(false);
      expect(titles(nb)).toEqual(['by carol']);
      expect(memberListStatus(nb)).toEqual({ ok: true, value: { members: 3 } });
    }
  });

  it('finding 6: the founder\'s device, removed by Bob, signs heads (the next version, the highest, and one of the removal\'s own version making itself and a stranger owners): none counts, the list stays as Bob left it', () => {
    const [alice, bob, carol, stranger] = [newDevice(), newDevice(), newDevice(), newDevice()];
    const { onFounder, onOwner, onMember } = notebook(alice, bob, carol, 'founder');
    const removed = removeMemberAndRotate(onOwner, alice.deviceId);
    if (!removed.ok) throw new Error(removed.error.message);
    syncBoxes(onFounder, onOwner, onMember);
    expect(pickUpNotebookKeys(onMember, [alice.signing.publicKey])).toEqual([removed.value.keyId]);
    const bobs = currentMemberHead(onOwner.plain);
    if (!bobs) throw new Error('Bob wrote no head');
    expect(bobs.signerDeviceId).toBe(bob.deviceId);
    const aliceRow = bobs.records.get(alice.deviceId);
    const bobRow = bobs.records.get(bob.deviceId);
    if (!aliceRow || !bobRow) throw new Error('rows missing');
    // Alice's stolen device: an empty list, and (at the version of Bob's head) one making her
    // an owner again with a stranger as owner. (One that also names Bob removed is a mutual
    // removal, decided by seniority: PROTOCOL.md "Owner-signed member records", the chain.)
    const takeover = new Map(bobs.records);
    takeover.set(alice.deviceId, { ...aliceRow, removed: false });
    takeover.set(stranger.deviceId, { ...bobRow, owner: true });
    for (const version of [bobs.version, bobs.version + 1, MAX_HEAD_VERSION]) {
      putMemberHead(onFounder.box, ID, onFounder.meta, version, version === bobs.version ? takeover : new Map(), alice.signing);
    }
    syncBoxes(onFounder, onOwner, onMember);
    for (const nb of [onOwner, onMember]) {
      expect(currentMemberHead(nb.plain)?.mapKey).toBe(bobs.mapKey);
      expect(isCurrentOwner(nb.plain, bob.deviceId)).toBe(true);
      expect(isCurrentMember(nb.plain, carol.signing.publicKey)).toBe(true);
      expect(isCurrentMember(nb.plain, alice.signing.publicKey)).toBe(false);
      expect(isCurrentOwner(nb.plain, stranger.deviceId)).toBe(false);
      expect(memberListStatus(nb)).toEqual({ ok: true, value: { members: 3 } });
    }
  });

  it('a mutual removal at one head version is not won by grinding a box key: Mallory, made owner after Alice, made device keys until her slot sorted below Alice\'s, and answers Alice\'s removal with a head of the same version removing Alice: Alice\'s removal stands', () => {
    const [alice, carol] = [newDevice(), newDevice()];
    const meta = testRoom(ID);
    let mallory = newDevice();
    while (meta.slot(mallory.deviceId) > meta.slot(alice.deviceId)) mallory = newDevice();
    const { onFounder, onOwner, onMember } = notebook(alice, mallory, carol, 'founder');
    const before = currentMemberHead(onFounder.plain);
    if (!before) throw new Error('no head');
    const removed = removeMemberAndRotate(onFounder, mallory.deviceId);
    if (!removed.ok) throw new Error(removed.error.message);
    const alices = currentMemberHead(onFounder.plain);
    const aliceRow = before.records.get(alice.deviceId);
    if (!alices || !aliceRow || alices.version !== before.version + 1) throw new Error('unexpected heads');
    // Mallory's answer, unaware of Alice's removal: the same version, following the head before, naming Alice removed.
    const answer = new Map(before.records);
    answer.set(alice.deviceId, { ...aliceRow, version: aliceRow.version + 1, removed: true });
    putMemberHead(onOwner.box, ID, onOwner.meta, alices.version, answer, mallory.signing);
    syncBoxes(onFounder, onOwner, onMember);
    for (const nb of [onFounder, onMember]) {
      expect(currentMemberHead(nb.plain)?.mapKey).toBe(alices.mapKey);
      expect(isCurrentOwner(nb.plain, alice.deviceId)).toBe(true);
      expect(isCurrentMember(nb.plain, mallory.signing.publicKey)).toBe(false);
    }
  });
  /**
   * OPEN: `it.fails` passes while the attack works; whoever fixes it makes it an ordinary test.
   * Not only the head tie-break: K, an owner in Alice's head (she removed only Bob), removes
   * Alice by an owner-signed record beyond the head, which counts; seniority among heads of one
   * version alone does not help (tried). Candidates: an owner's removal also removes, in the same
   * head, the owners the removed device made; or an owner's removal of a more senior owner waits
   * for a head.
   */
  it.fails('OPEN: a stolen junior owner (Bob) first made a second owner device K; Alice, senior to both, removes Bob; K answers at the same head version removing Alice (not opposed by her head, which names only Bob): Alice stays owner and Bob is out (review of members13, finding 1)', () => {
    const [bob, k, carol] = [newDevice(), newDevice(), newDevice()];
    const { alice, open, onAlice, replicas: [onBob, onCarol] } = foundedWith('nb-owner-removal-k', [bob, 'owner'], [carol, 'member']);
    if (!onBob || !onCarol) throw new Error('no replica');
    addMember(onBob.plain, memberKeys(k), 'owner', bob.signing);
    onBob.sealed.flush();
    expect(writeMemberHead(onBob)).toBe(true);
    const onK = open(k);
    syncBoxes(onAlice, onBob, onCarol, onK);
    expect(isCurrentOwner(onAlice.plain, k.deviceId)).toBe(true);
    expect(removeMemberAndRotate(onAlice, bob.deviceId).ok).toBe(true);
    const alices = currentMemberHead(onAlice.plain);
    expect(markMemberRemoved(onK.plain, alice.deviceId, k.signing)).toBe(true);
    onK.sealed.flush();
    expect(writeMemberHead(onK, [alice.deviceId])).toBe(true);
    expect(currentMemberHead(onK.plain)?.version).toBe(alices?.version);
    syncBoxes(onAlice, onBob, onCarol, onK);
    for (const replica of [onAlice, onCarol, onK]) {
      expect(isCurrentOwner(replica.plain, alice.deviceId)).toBe(true);
      expect(isCurrentMember(replica.plain, bob.signing.publicKey)).toBe(false);
    }
  });
});
