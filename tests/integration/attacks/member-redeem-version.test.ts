import { beforeAll, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { writeMemberHead } from '../../../sync/share/member-head.ts';
import { fieldsToYMap, signedMemberFields } from '../../../sync/share/member-record.ts';
import { listRevocations } from '../../../sync/share/revocations.ts';
import { addMember, foundMembers, isCurrentMember, membersMap, markMemberRemoved } from '../../../sync/share/members.ts';
import { removeMemberAndRotate } from '../../../sync/share/rotate-key.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, syncBoxes, type TestDevice } from '../share/share-harness.ts';

beforeAll(sodiumReady);
const ID = 'nb-maxver';

it('a redemption at version 0xffffffff does not count, and the owner can still remove its device', () => {
  const [alice, invite, joiner] = [newDevice(), newDevice(), newDevice()];
  const key = firstKey();
  const now = Date.now();
  const open = (device: TestDevice) => openReplica({ id: ID, device, keyring: keyringWith(key), founder: alice.signing.publicKey });
  const onAlice = open(alice);
  foundMembers(onAlice.plain, memberKeys(alice), alice.signing);
  addMember(onAlice.plain, memberKeys(invite), 'invite', alice.signing, now, now + 3600_000);
  onAlice.sealed.flush();
  writeMemberHead(onAlice);
  const onInvite = open(invite);
  syncBoxes(onAlice, onInvite);
  const proof = JSON.stringify((membersMap(onInvite.plain).get(invite.deviceId) as Y.Map<unknown>).toJSON());
  const record = { ...memberKeys(joiner), role: 'member' as const, addedBy: invite.deviceId, addedAt: now, removedAt: undefined, expiresAt: undefined, version: 0xffffffff, proof };
  const e = fieldsToYMap(signedMemberFields(ID, record, invite.signing));
  membersMap(onInvite.plain).set(joiner.deviceId, e);
  markMemberRemoved(onInvite.plain, invite.deviceId, invite.signing);
  onInvite.sealed.flush();
  syncBoxes(onAlice, onInvite);
  // A redemption is always version 1: any other is not one.
  expect(isCurrentMember(onAlice.plain, joiner.signing.publicKey)).toBe(false);
  expect(removeMemberAndRotate(onAlice, joiner.deviceId).ok).toBe(true);
  expect(isCurrentMember(onAlice.plain, joiner.signing.publicKey)).toBe(false);
  expect(listRevocations(onAlice.box, ID, onAlice.meta).map((r) => r.removedDeviceId)).toEqual([joiner.deviceId]);
});
