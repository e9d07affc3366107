import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { memberHeadsMap, putMemberHead } from '../../../sync/share/member-head-codec.ts';
import { memberListStatus, writeMemberHead } from '../../../sync/share/member-head.ts';
import { upgradeMemberRecords } from '../../../sync/share/member-upgrade.ts';
import { addMember, foundMembers, isCurrentMember, isCurrentOwner, membersMap, readMember } from '../../../sync/share/members.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, quarantineCodes, syncBoxes, titles, headRow, unsignedMember } from './share-harness.ts';

beforeAll(sodiumReady);
const ID = 'nb-member-heads';

describe('owner-signed member records and heads', () => {
  it('a second owner the founder signed can add members; a record moved from another notebook does not count', () => {
    const [alice, dan, erin] = [newDevice(), newDevice(), newDevice()];
    const key = firstKey();
    const onAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.deviceId });
    foundMembers(onAlice.plain, memberKeys(alice), alice.signing);
    addMember(onAlice.plain, memberKeys(dan), 'owner', alice.signing);
    onAlice.sealed.flush();
    const onDan = openReplica({ id: ID, device: dan, keyring: keyringWith(key), founder: alice.deviceId });
    syncBoxes(onAlice, onDan);
    addMember(onDan.plain, memberKeys(erin), 'member', dan.signing);
    onDan.sealed.flush();
    syncBoxes(onAlice, onDan);
    expect(isCurrentOwner(onAlice.plain, dan.deviceId)).toBe(true);
    expect(isCurrentMember(onAlice.plain, erin.signing.publicKey)).toBe(true);

    // The same owner-signed record, copied into another notebook by one of its members.
    const other = openReplica({ id: `${ID}-other`, device: alice, keyring: keyringWith(key), founder: alice.deviceId });
    foundMembers(other.plain, memberKeys(alice), alice.signing);
    const copied = new Y.Map<unknown>();
    for (const [field, value] of Object.entries((membersMap(onAlice.plain).get(erin.deviceId) as Y.Map<unknown>).toJSON())) copied.set(field, value);
    membersMap(other.plain).set(erin.deviceId, copied);
    expect(readMember(other.plain, erin.deviceId)).toBeUndefined();
  });

  it('a head deleted by a peer is put back, and a head signed by a member who is no owner does not count', () => {
    const [alice, bob] = [newDevice(), newDevice()];
    const key = firstKey();
    const onAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.deviceId });
    foundMembers(onAlice.plain, memberKeys(alice), alice.signing);
    addMember(onAlice.plain, memberKeys(bob), 'member', alice.signing);
    onAlice.sealed.flush();
    expect(writeMemberHead(onAlice)).toBe(true);
    expect(writeMemberHead(onAlice)).toBe(false);
    const onBob = openReplica({ id: ID, device: bob, keyring: keyringWith(key), founder: alice.deviceId });
    syncBoxes(onAlice, onBob);
    // Bob is no owner: he writes no head (and one he forged would not count).
    expect(writeMemberHead(onBob)).toBe(false);
    const [headKey] = [...memberHeadsMap(onBob.box).keys()];
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(onBob.box));
    remote.getMap('memberHeads').delete(headKey as string);
    Y.applyUpdate(onBob.box, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(onBob.box)));
    expect(memberHeadsMap(onBob.box).has(headKey as string)).toBe(true);
    expect(memberListStatus(onBob)).toEqual({ ok: true, value: { members: 2 } });
    // A head Bob signs anyway, naming a device nobody added, at a version far ahead.
    putMemberHead(onBob.box, ID, onBob.meta, 99, new Map([[newDevice().deviceId, headRow(1)]]), bob.signing);
    syncBoxes(onAlice, onBob);
    expect(memberListStatus(onAlice)).toEqual({ ok: true, value: { members: 2 } });
  });

  it('an old notebook (unsigned records) is read as before until its founder signs every record; then a member\'s additions stop counting', () => {
    const [alice, bob, stranger] = [newDevice(), newDevice(), newDevice()];
    const key = firstKey();
    const onAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.deviceId, strict: false });
    unsignedMember(onAlice.plain, alice, 'owner', alice.deviceId);
    unsignedMember(onAlice.plain, bob, 'member', alice.deviceId);
    onAlice.sealed.flush();
    const onBob = openReplica({ id: ID, device: bob, keyring: keyringWith(key), founder: alice.deviceId, strict: false });
    syncBoxes(onAlice, onBob);
    expect(isCurrentMember(onBob.plain, bob.signing.publicKey)).toBe(true);

    // The founder's device opens it with this version: every record signed as it stands.
    expect(upgradeMemberRecords(onAlice.plain, ID, alice.deviceId, alice.signing)).toBe(2);
    onAlice.sealed.flush();
    const strict = true;
    const strictBob = openReplica({ id: ID, device: bob, keyring: keyringWith(key), founder: alice.deviceId, box: onBob.box, strict });
    syncBoxes(onAlice, strictBob);
    expect(isCurrentMember(strictBob.plain, bob.signing.publicKey)).toBe(true);
    unsignedMember(strictBob.plain, stranger, 'member', bob.deviceId);
    strictBob.sealed.flush();
    const onStranger = openReplica({ id: ID, device: stranger, keyring: keyringWith(key), founder: alice.deviceId, strict });
    const strictAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.deviceId, box: onAlice.box, strict });
    syncBoxes(strictAlice, strictBob, onStranger);
    createNote(onStranger.plain, { title: 'stranger' });
    onStranger.sealed.flush();
    syncBoxes(strictAlice, strictBob, onStranger);
    expect(isCurrentMember(strictAlice.plain, stranger.signing.publicKey)).toBe(false);
    expect(titles(strictAlice)).not.toContain('stranger');
    expect(quarantineCodes(strictAlice)).toContain('E_SIGNER');
  });
});
