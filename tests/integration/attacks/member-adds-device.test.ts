import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { addMember, foundMembers, isCurrentMember, isCurrentOwner } from '../../../sync/share/members.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, quarantineCodes, syncBoxes, titles } from '../share/share-harness.ts';

/**
 * Issue 13 §3: "the list of devices and members must be authoritative: signed by the
 * vault/notebook owner's key, so a member cannot add a device by itself". A member record is
 * a value in the plain doc that any current member can write, so a writer member adds a
 * device of its choosing (a stranger's), even as owner. It counts only when an owner's
 * authority reaches it (sync/share/member-authority.ts): Bob's record for the stranger is
 * stored and ignored, and what the stranger writes is quarantined.
 */
beforeAll(sodiumReady);
const ID = 'nb-member-adds-device';

describe('attack: a member adds a device by itself (issue 13 §3)', () => {
  it('a writer member adds a stranger\'s device as owner; the owner\'s replica refuses it as a member and quarantines what it writes', () => {
    const [alice, bob, stranger] = [newDevice(), newDevice(), newDevice()];
    const key = firstKey();
    const onAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.deviceId });
    foundMembers(onAlice.plain, memberKeys(alice), alice.signing);
    addMember(onAlice.plain, memberKeys(bob), 'member', alice.signing);
    onAlice.sealed.flush();
    const onBob = openReplica({ id: ID, device: bob, keyring: keyringWith(key), founder: alice.deviceId });
    syncBoxes(onAlice, onBob);
    expect(isCurrentMember(onBob.plain, bob.signing.publicKey)).toBe(true);

    // Bob, a member and no owner, adds a device the owner never invited, as owner.
    addMember(onBob.plain, memberKeys(stranger), 'owner', bob.signing);
    onBob.sealed.flush();
    const onStranger = openReplica({ id: ID, device: stranger, keyring: keyringWith(key), founder: alice.deviceId });
    syncBoxes(onAlice, onBob, onStranger);
    createNote(onStranger.plain, { title: 'from-the-stranger' });
    onStranger.sealed.flush();
    syncBoxes(onAlice, onBob, onStranger);

    expect(isCurrentMember(onAlice.plain, stranger.signing.publicKey), 'a member on the owner\'s replica').toBe(false);
    expect(isCurrentOwner(onAlice.plain, stranger.deviceId), 'an owner on the owner\'s replica').toBe(false);
    expect(titles(onAlice)).not.toContain('from-the-stranger');
    expect(quarantineCodes(onAlice)).toContain('E_SIGNER');
  });
});
