import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { boxMaps } from '../../../sync/sealed/box-layout.ts';
import { memberListStatus, writeMemberHead } from '../../../sync/share/member-head.ts';
import { addMember, foundMembers, isCurrentMember, readMember } from '../../../sync/share/members.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, syncBoxes } from '../share/share-harness.ts';

/**
 * Issue 13 §3: "a relay cannot hide one" member. A relay (or a peer passing the box on)
 * cannot forge an owner's envelope, but it can leave one out. Here it drops the envelope in
 * which the owner added Carol, and forwards everything else, including the owner-signed head
 * of the member list. Bob's replica must see that its list is incomplete and say which
 * member is missing, not silently show a list without her.
 */
beforeAll(sodiumReady);
const ID = 'nb-member-list-hidden';

/** What the relay serves: every map of `from` as it is, but without the entry `dropped`. */
function servedWithout(from: Y.Doc, dropped: string): Y.Doc {
  const served = new Y.Doc();
  for (const name of from.share.keys()) {
    const source = from.getMap<unknown>(name);
    const target = served.getMap<unknown>(name);
    source.forEach((value, key) => {
      if (!(name === 'entries' && key === dropped)) target.set(key, value);
    });
  }
  return served;
}

describe('attack: a relay hides a member record (issue 13 §3)', () => {
  it('the owner-signed head names a member Bob\'s replica never received: its list says incomplete (E_MEMBERS_INCOMPLETE) and names her', () => {
    const [alice, bob, carol] = [newDevice(), newDevice(), newDevice()];
    const key = firstKey();
    const onAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.deviceId });
    foundMembers(onAlice.plain, memberKeys(alice), alice.signing);
    addMember(onAlice.plain, memberKeys(bob), 'member', alice.signing);
    onAlice.sealed.flush();
    writeMemberHead(onAlice);
    const onBob = openReplica({ id: ID, device: bob, keyring: keyringWith(key), founder: alice.deviceId });
    syncBoxes(onAlice, onBob);
    expect(memberListStatus(onBob)).toEqual({ ok: true, value: { members: 2 } });

    const before = new Set(boxMaps(onAlice.box).entries.keys());
    addMember(onAlice.plain, memberKeys(carol), 'member', alice.signing);
    onAlice.sealed.flush();
    const [carolEntry, ...others] = [...boxMaps(onAlice.box).entries.keys()].filter((k) => !before.has(k));
    expect(others).toEqual([]);
    writeMemberHead(onAlice);
    expect(memberListStatus(onAlice)).toEqual({ ok: true, value: { members: 3 } });

    Y.applyUpdate(onBob.box, Y.encodeStateAsUpdate(servedWithout(onAlice.box, carolEntry as string)));
    // The head names her, so her writes count; her record (box key) is what Bob lacks.
    expect(isCurrentMember(onBob.plain, carol.signing.publicKey)).toBe(true);
    expect(readMember(onBob.plain, carol.deviceId)).toBeUndefined();
    const status = memberListStatus(onBob);
    expect(status.ok ? 'complete' : status.error.code).toBe('E_MEMBERS_INCOMPLETE');
    expect(status.ok ? [] : status.error.missing).toEqual([carol.deviceId]);

    // Once the relay (or another peer) hands the entry over, the list is whole again.
    syncBoxes(onAlice, onBob);
    expect(memberListStatus(onBob)).toEqual({ ok: true, value: { members: 3 } });
  });
});
