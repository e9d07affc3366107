import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { currentMemberHead } from '../../../sync/share/member-authority.ts';
import { putMemberHead } from '../../../sync/share/member-head-codec.ts';
import { fieldsToYMap, signedMemberFields } from '../../../sync/share/member-record.ts';
import { isCurrentOwner, membersMap } from '../../../sync/share/members.ts';
import { pickUpNotebookKeys, removeMemberAndRotate } from '../../../sync/share/rotate-key.ts';
import { newDevice, syncBoxes, foundedWith } from '../share/share-harness.ts';

/**
 * A founder removed by another owner keeps its signing key (a stolen device). Two defences of
 * the head chain (PROTOCOL.md "Owner-signed member records") that the other attack tests did
 * not pin down (found by removing each in a copy: no test failed): a head counts only when the
 * previous head names its signer an owner NOT removed, and the founder may sign its own owner
 * record only before any head exists.
 */
beforeAll(sodiumReady);
const ID = 'nb-removed-founder';

/** Alice founds with owner Bob and member Mallory, writes a head; Bob removes Alice. */
function founderRemovedByBob() {
  const [bob, mallory] = [newDevice(), newDevice()];
  const { alice, onAlice, replicas: [onBob, onMallory] } = foundedWith(ID, [bob, 'owner'], [mallory, 'member']);
  if (!onBob || !onMallory) throw new Error('no replica');
  expect(removeMemberAndRotate(onBob, alice.deviceId).ok).toBe(true);
  syncBoxes(onAlice, onBob, onMallory);
  expect(isCurrentOwner(onBob.plain, alice.deviceId)).toBe(false);
  return { alice, onAlice, onBob, onMallory };
}

describe('attack: a removed founder\'s key (issue 13 §3)', () => {
  it('signs the next head, following the chain exactly, with a stranger added as owner: the head does not count', () => {
    const { alice, onAlice, onBob } = founderRemovedByBob();
    const stranger = newDevice();
    const last = currentMemberHead(onBob.plain);
    if (!last) throw new Error('no head');
    const rows = new Map(last.records);
    rows.set(stranger.deviceId, { version: 1, owner: true, removed: false, digest: new Uint8Array(32) });
    putMemberHead(onAlice.box, ID, onAlice.meta, last.version + 1, rows, alice.signing);
    syncBoxes(onAlice, onBob);
    expect(currentMemberHead(onBob.plain)?.version).toBe(last.version);
    expect(isCurrentOwner(onBob.plain, stranger.deviceId)).toBe(false);
  });

  it('a member writes the founder\'s self-signed owner record one version above its removal: the founder stays removed', () => {
    const { alice, onBob, onMallory } = founderRemovedByBob();
    // Mallory holds the current key and the removal first, or her write would lose the Yjs conflict to it.
    pickUpNotebookKeys(onMallory, [alice.signing.publicKey]);
    syncBoxes(onBob, onMallory);
    const record = { signingPublicKey: alice.signing.publicKey, boxPublicKey: alice.box.publicKey, role: 'owner' as const, addedBy: alice.deviceId, addedAt: 1, removedAt: undefined, expiresAt: undefined, version: 3, proof: undefined };
    const entry = fieldsToYMap(signedMemberFields(ID, record, alice.signing));
    membersMap(onMallory.plain).set(alice.deviceId, entry);
    onMallory.sealed.flush();
    syncBoxes(onBob, onMallory);
    expect(membersMap(onBob.plain).get(alice.deviceId)).toBeInstanceOf(Y.Map);
    expect((membersMap(onBob.plain).get(alice.deviceId) as Y.Map<unknown>).get('version')).toBe(3);
    expect(isCurrentOwner(onBob.plain, alice.deviceId)).toBe(false);
  });
});
