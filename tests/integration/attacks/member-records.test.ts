import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { addMember, foundMembers, isCurrentMember, isCurrentOwner, markMemberRemoved, membersMap, readRawMember, signerTrust } from '../../../sync/share/members.ts';
import { writeRevocation } from '../../../sync/share/revocations.ts';
import { handCurrentKey, pickUpNotebookKeys, removeMemberAndRotate } from '../../../sync/share/rotate-key.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, syncBoxes, titles, notebookWith } from '../share/share-harness.ts';

/**
 * Issue 13 §3: member records are authoritative only when an owner signed them. Each case
 * is something a current member (or an invite's one-time key) writes into the plain doc's
 * member list today and every replica takes as the truth, since roles are advisory.
 */
beforeAll(sodiumReady);
const ID = 'nb-member-records';

describe('attack: member records not signed by an owner (issue 13 §3)', () => {
  it('a writer member adds a device of its own choosing as writer: the owner\'s replica does not take it for a member nor apply what it writes', () => {
    const [bob, extra] = [newDevice(), newDevice()];
    const { key, onAlice, replicas: [onBob] } = notebookWith(ID, bob);
    if (!onBob) throw new Error('no replica');
    addMember(onBob.plain, memberKeys(extra), 'member', bob.signing);
    onBob.sealed.flush();
    const onExtra = openReplica({ id: ID, device: extra, keyring: keyringWith(key), founder: onAlice.self.deviceId });
    syncBoxes(onAlice, onBob, onExtra);
    createNote(onExtra.plain, { title: 'from-the-extra-device' });
    onExtra.sealed.flush();
    syncBoxes(onAlice, onBob, onExtra);
    expect(isCurrentMember(onAlice.plain, extra.signing.publicKey)).toBe(false);
    expect(titles(onAlice)).not.toContain('from-the-extra-device');
  });

  it('an invite\'s one-time key (no writer yet) redeems itself into an owner: nobody takes the joiner for an owner', () => {
    const [invite, joiner] = [newDevice(), newDevice()];
    const alice = newDevice();
    const key = firstKey();
    const onAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.deviceId });
    foundMembers(onAlice.plain, memberKeys(alice), alice.signing);
    addMember(onAlice.plain, memberKeys(invite), 'invite', alice.signing, Date.now(), Date.now() + 3600_000);
    onAlice.sealed.flush();
    const onInvite = openReplica({ id: ID, device: invite, keyring: keyringWith(key), founder: alice.deviceId });
    syncBoxes(onAlice, onInvite);
    addMember(onInvite.plain, memberKeys(joiner), 'owner', invite.signing);
    markMemberRemoved(onInvite.plain, invite.deviceId, invite.signing);
    onInvite.sealed.flush();
    syncBoxes(onAlice, onInvite);
    expect(isCurrentOwner(onAlice.plain, joiner.deviceId)).toBe(false);
  });

  it('a member re-signs its own record as owner and revokes the founder: the others neither take it for an owner nor stop trusting the founder', () => {
    const [bob, carol] = [newDevice(), newDevice()];
    const { alice, onAlice, replicas: [onBob, onCarol] } = notebookWith(ID, bob, carol);
    if (!onBob || !onCarol) throw new Error('no replica');
    // One envelope (a later one would no longer apply: a self-signed record other than the
    // founder's does not count, so Bob is no member once it applies): Bob's own record re-signed
    // as owner, then what an owner may do, the founder's removal and its revocation.
    addMember(onBob.plain, memberKeys(bob), 'owner', bob.signing);
    expect(markMemberRemoved(onBob.plain, alice.deviceId, bob.signing)).toBe(true);
    writeRevocation(onBob.box, ID, onBob.meta, alice.deviceId, bob.signing);
    onBob.sealed.flush();
    syncBoxes(onAlice, onBob, onCarol);
    expect(readRawMember(onCarol.plain, bob.deviceId)?.role, 'carol stores bob\'s owner record').toBe('owner');
    expect(readRawMember(onCarol.plain, alice.deviceId)?.removedAt, 'carol stores the removal bob signed').toBeDefined();
    expect(isCurrentOwner(onCarol.plain, bob.deviceId), 'bob an owner on carol\'s replica').toBe(false);
    expect(isCurrentOwner(onBob.plain, bob.deviceId), 'bob an owner on his own replica').toBe(false);
    createNote(onAlice.plain, { title: 'alice-after' });
    onAlice.sealed.flush();
    syncBoxes(onAlice, onBob, onCarol);
    // Carol still trusts the founder's key (its record, overwritten by Bob, no longer counts:
    // review finding 4, a denial of service on the list, not on trust).
    expect(signerTrust(onCarol.plain, { box: onCarol.box, notebookId: ID, meta: onCarol.meta }, [alice.deviceId])(alice.signing.publicKey), 'carol trusts alice').toBe(true);
    expect(titles(onCarol)).toContain('alice-after');
  });

  it('a removed member\'s old owner-signed record, written back by another member, does not make it a member again nor get it the new key', () => {
    const [bob, mallory] = [newDevice(), newDevice()];
    const { onAlice, replicas: [onBob, onMallory] } = notebookWith(ID, bob, mallory);
    if (!onBob || !onMallory) throw new Error('no replica');
    const old = (membersMap(onAlice.plain).get(bob.deviceId) as Y.Map<unknown>).toJSON() as Record<string, unknown>;
    expect(removeMemberAndRotate(onAlice, bob.deviceId).ok).toBe(true);
    syncBoxes(onAlice, onBob, onMallory);
    // Mallory picks up the new key, so she applies the removal and her write replaces it everywhere.
    expect(pickUpNotebookKeys(onMallory, [onAlice.self.deviceId])).toHaveLength(1);
    expect(readRawMember(onMallory.plain, bob.deviceId)?.removedAt).toBeDefined();
    // She replays the record the owner once signed for Bob.
    const replay = new Y.Map<unknown>();
    for (const [field, value] of Object.entries(old)) replay.set(field, value);
    membersMap(onMallory.plain).set(bob.deviceId, replay);
    onMallory.sealed.flush();
    syncBoxes(onAlice, onBob, onMallory);
    expect(readRawMember(onAlice.plain, bob.deviceId), 'the replayed record is what alice stores').toMatchObject({ version: 1, removedAt: undefined });
    expect(isCurrentMember(onAlice.plain, bob.signing.publicKey)).toBe(false);
    expect(handCurrentKey(onAlice)).not.toContain(bob.deviceId);
  });
});
