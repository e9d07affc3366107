import { beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { currentMemberHead } from '../../../sync/share/member-authority.ts';
import { memberHeadsMap } from '../../../sync/share/member-head-codec.ts';
import { writeMemberHead } from '../../../sync/share/member-head.ts';
import { boxShowsStrict, upgradeMemberRecords } from '../../../sync/share/member-upgrade.ts';
import { isCurrentMember, membersMap } from '../../../sync/share/members.ts';
import { removeMemberAndRotate, handCurrentKey } from '../../../sync/share/rotate-key.ts';
import { keyringWith, newDevice, openReplica, syncBoxes, oldNotebookWithMallory, foundedWith } from '../share/share-harness.ts';

beforeAll(sodiumReady);
const ID = 'nb-squat';

for (const squat of [false, true]) {
  it(`squat=${squat}: junk at the owner's next head keys does not freeze the chain, so a member cannot roll back a removal`, () => {
    const [mallory, carol, dave] = [newDevice(), newDevice(), newDevice()];
    const { alice, onAlice, replicas: [onMallory] } = foundedWith(ID, [mallory, 'member'], [carol, 'member'], [dave, 'member']);
    if (!onMallory) throw new Error('no replica');
    expect(currentMemberHead(onAlice.plain)?.version).toBe(1);
    // Carol's record as it stands (v1), kept by Mallory.
    const carolOld = (membersMap(onMallory.plain).get(carol.deviceId) as Y.Map<unknown>).toJSON();
    if (squat) {
      // Anyone who can write the box (relay, removed member): junk under Alice's slot, versions 2..5.
      for (let v = 2; v <= 5; v++) memberHeadsMap(onMallory.box).set(`${onMallory.meta.slot(alice.deviceId)}/${v}`, new Uint8Array(200).fill(v));
      syncBoxes(onAlice, onMallory);
    }
    expect(removeMemberAndRotate(onAlice, carol.deviceId).ok).toBe(true);
    syncBoxes(onAlice, onMallory);
    // Mallory writes Carol's old record back.
    const e = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(carolOld)) e.set(k, v);
    membersMap(onMallory.plain).set(carol.deviceId, e);
    onMallory.sealed.flush();
    syncBoxes(onAlice, onMallory);
    const carolBack = isCurrentMember(onAlice.plain, carol.signing.publicKey);
    // Alice removes Dave: the rotation's new key goes to ...
    expect(removeMemberAndRotate(onAlice, dave.deviceId).ok).toBe(true);
    expect(handCurrentKey(onAlice)).not.toContain(carol.deviceId);
    expect(carolBack).toBe(false);
  });
}

it('old notebook: junk at the founder slot/1 does not stop the upgrade from writing the first head', () => {
  const { alice, key, onAlice, onMallory } = oldNotebookWithMallory(ID);
  memberHeadsMap(onMallory.box).set(`${onMallory.meta.slot(alice.deviceId)}/1`, new Uint8Array(200).fill(1));
  syncBoxes(onAlice, onMallory);
  expect(upgradeMemberRecords(onAlice.plain, ID, alice.signing.publicKey, alice.signing)).toBeGreaterThan(0);
  onAlice.sealed.flush();
  const strictAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.signing.publicKey, box: onAlice.box });
  expect(writeMemberHead(strictAlice)).toBe(true);
  expect(boxShowsStrict(onAlice.box, ID, onAlice.meta, alice.signing.publicKey)).toBe(true);
});
