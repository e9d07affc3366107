import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { addMember, foundMembers, isCurrentMember, isCurrentOwner } from '../../../sync/share/members.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, quarantineCodes, syncBoxes, titles } from '../share/share-harness.ts';

/**
 * Issue 13 §3: "the list of devices and members must be authoritative: signed by the
 * vault/notebook owner's key, so a member cannot add a device by itself". Today a member
 * record is a value in the plain doc that any current member writes (roles are advisory), so
 * a writer member adds a device of its choosing (a stranger's, or one of its own the owner
 * never saw), even as owner, and every other replica takes it for a member.
 *
 * OPEN: not fixed on this branch (see the report of branch `membership`). The test is marked
 * `it.fails`: it passes while the attack works and fails once it stops working, so whoever
 * fixes it turns it into an ordinary test.
 */
beforeAll(sodiumReady);
const ID = 'nb-member-adds-device';

describe('attack: a member adds a device by itself (issue 13 §3)', () => {
  it.fails('OPEN: a writer member adds a stranger\'s device as owner; the owner\'s replica refuses it as a member and quarantines what it writes', () => {
    const [alice, bob, stranger] = [newDevice(), newDevice(), newDevice()];
    const key = firstKey();
    const onAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.deviceId });
    foundMembers(onAlice.plain, memberKeys(alice));
    addMember(onAlice.plain, memberKeys(bob), 'member', alice.deviceId);
    onAlice.sealed.flush();
    const onBob = openReplica({ id: ID, device: bob, keyring: keyringWith(key), founder: alice.deviceId });
    syncBoxes(onAlice, onBob);
    expect(isCurrentMember(onBob.plain, bob.signing.publicKey)).toBe(true);

    // Bob, a member and no owner, adds a device the owner never invited, as owner.
    addMember(onBob.plain, memberKeys(stranger), 'owner', bob.deviceId);
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
