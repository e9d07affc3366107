import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { currentMemberHead } from '../../../sync/share/member-authority.ts';
import { putMemberHead } from '../../../sync/share/member-head-codec.ts';
import { fieldsToYMap, readRawMember, signedMemberFields } from '../../../sync/share/member-record.ts';
import { isCurrentMember, membersMap, readMember } from '../../../sync/share/members.ts';
import { newDevice, syncBoxes, foundedWith } from '../share/share-harness.ts';

/**
 * Two rules of the member-list head chain (PROTOCOL.md "Owner-signed member records") that no
 * other test pinned down (the second review removed each in a copy and no test failed): a head
 * counts only if it keeps every row of the one before (none dropped or lowered), and a record
 * at the version a head names counts only if it is the very record named (its digest).
 */
beforeAll(sodiumReady);
const ID = 'nb-member-head-rules';

/** Alice founds with owner Bob and members Carol and Mallory and writes a head; all synced. */
function notebookOfFour() {
  const [bob, carol, mallory] = [newDevice(), newDevice(), newDevice()];
  const { alice, onAlice, replicas: [onBob, , onMallory] } = foundedWith(ID, [bob, 'owner'], [carol, 'member'], [mallory, 'member']);
  if (!onBob || !onMallory) throw new Error('no replica');
  return { alice, bob, carol, mallory, onAlice, onBob, onMallory };
}

describe('attack: heads and records against the chain (issue 13 §3)', () => {
  it('an owner signs the next head with a member\'s row dropped: it does not count, the member stays', () => {
    const { bob, carol, onAlice, onBob } = notebookOfFour();
    const last = currentMemberHead(onAlice.plain);
    if (!last) throw new Error('no head');
    const rows = new Map(last.records);
    rows.delete(carol.deviceId);
    putMemberHead(onBob.box, ID, onBob.meta, last.version + 1, rows, bob.signing);
    syncBoxes(onAlice, onBob);
    expect(currentMemberHead(onAlice.plain)?.version).toBe(last.version);
    expect(isCurrentMember(onAlice.plain, carol.signing.publicKey)).toBe(true);
  });

  it('a member writes a record of another member at the version the head names, with her own box key: it is not that member\'s record', () => {
    const { carol, mallory, onAlice, onMallory } = notebookOfFour();
    const held = readRawMember(onMallory.plain, carol.deviceId);
    if (!held) throw new Error('no record');
    const forged = { ...held, boxPublicKey: mallory.box.publicKey };
    const entry = fieldsToYMap(signedMemberFields(ID, forged, mallory.signing));
    membersMap(onMallory.plain).set(carol.deviceId, entry);
    onMallory.sealed.flush();
    syncBoxes(onAlice, onMallory);
    expect(readRawMember(onAlice.plain, carol.deviceId)?.boxPublicKey).toEqual(mallory.box.publicKey);
    // The forged record does not count, so no key is ever sealed to Mallory's box key in Carol's name.
    expect(readMember(onAlice.plain, carol.deviceId)?.boxPublicKey ?? carol.box.publicKey).toEqual(carol.box.publicKey);
  });
});
