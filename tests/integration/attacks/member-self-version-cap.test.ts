import { beforeAll, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { fieldsToYMap, signedMemberFields } from '../../../sync/share/member-record.ts';
import { listRevocations } from '../../../sync/share/revocations.ts';
import { isCurrentMember, membersMap } from '../../../sync/share/members.ts';
import { pickUpNotebookKeys, removeMemberAndRotate } from '../../../sync/share/rotate-key.ts';
import { memberKeys, newDevice, syncBoxes, foundedWith } from '../share/share-harness.ts';

beforeAll(sodiumReady);
const ID = 'nb-unremovable';

it('a member who overwrites her own record with a self-signed one at version 0xffffffff is still removed, revoked and rotated out', () => {
  const mallory = newDevice();
  const { alice, onAlice, replicas: [onMallory] } = foundedWith(ID, [mallory, 'member']);
  if (!onMallory) throw new Error('no replica');
  const rec = { ...memberKeys(mallory), role: 'member' as const, addedBy: mallory.deviceId, addedAt: 1, removedAt: undefined, expiresAt: undefined, version: 0xffffffff, proof: undefined };
  const e = fieldsToYMap(signedMemberFields(ID, rec, mallory.signing));
  membersMap(onMallory.plain).set(mallory.deviceId, e);
  onMallory.sealed.flush();
  syncBoxes(onAlice, onMallory);
  const before = onAlice.keyring.current().keyId;
  expect(removeMemberAndRotate(onAlice, mallory.deviceId).ok).toBe(true);
  expect(isCurrentMember(onAlice.plain, mallory.signing.publicKey)).toBe(false);
  expect(listRevocations(onAlice.box, ID, onAlice.meta).map((r) => r.removedDeviceId)).toEqual([mallory.deviceId]);
  expect(onAlice.keyring.current().keyId).not.toBe(before);
  syncBoxes(onAlice, onMallory);
  expect(pickUpNotebookKeys(onMallory, [alice.signing.publicKey])).toEqual([]);
});
