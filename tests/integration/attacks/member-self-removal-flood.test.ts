import { beforeAll, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { writeMemberHead } from '../../../sync/share/member-head.ts';
import { currentMemberHead } from '../../../sync/share/member-authority.ts';
import { fieldsToYMap, signedMemberFields } from '../../../sync/share/member-record.ts';
import { addMember, listMembers, membersMap } from '../../../sync/share/members.ts';
import { memberKeys, newDevice, syncBoxes, foundedWith } from '../share/share-harness.ts';

beforeAll(sodiumReady);
const ID = 'nb-selfrm';

const n = 50;

it('self-signed removal records of devices the member list never named are not counted nor named in the owner\'s head', () => {
  const [mallory, carol] = [newDevice(), newDevice()];
  const { alice, onAlice, replicas: [onMallory] } = foundedWith(ID, [mallory, 'member']);
  if (!onMallory) throw new Error('no replica');
  onMallory.plain.transact(() => {
    for (let i = 0; i < n; i++) {
      const d = newDevice();
      const rec = { ...memberKeys(d), role: 'member' as const, addedBy: d.deviceId, addedAt: 1, removedAt: 1, expiresAt: undefined, version: 1, proof: undefined };
      const e = fieldsToYMap(signedMemberFields(ID, rec, d.signing));
      membersMap(onMallory.plain).set(d.deviceId, e);
    }
  });
  onMallory.sealed.flush();
  syncBoxes(onAlice, onMallory);
  expect(listMembers(onAlice.plain).map((m) => m.deviceId).sort()).toEqual([alice.deviceId, mallory.deviceId].sort());
  writeMemberHead(onAlice);
  expect(currentMemberHead(onAlice.plain)?.records.size).toBe(2);
  addMember(onAlice.plain, memberKeys(carol), 'member', alice.signing);
  expect(writeMemberHead(onAlice)).toBe(true);
  expect([...(currentMemberHead(onAlice.plain)?.records.keys() ?? [])].sort()).toEqual([alice.deviceId, mallory.deviceId, carol.deviceId].sort());
});
