import { beforeAll, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { writeMemberHead } from '../../../sync/share/member-head.ts';
import { fieldsToYMap, signedMemberFields } from '../../../sync/share/member-record.ts';
import { boxShowsStrict, upgradeMemberRecords } from '../../../sync/share/member-upgrade.ts';
import { isCurrentOwner, membersMap } from '../../../sync/share/members.ts';
import { keyringWith, openReplica, syncBoxes, oldNotebookWithMallory } from '../share/share-harness.ts';

beforeAll(sodiumReady);
const ID = 'nb-upgrade';

it('old notebook: a member who signs the founder\'s record with her own key does not stop the upgrade from making the founder owner', () => {
  const { alice, mallory, key, onAlice, onMallory } = oldNotebookWithMallory(ID);
  const rec = { signingPublicKey: alice.signing.publicKey, boxPublicKey: alice.box.publicKey, role: 'owner' as const, addedBy: alice.deviceId, addedAt: 1, removedAt: undefined, expiresAt: undefined, version: 1, proof: undefined };
  const e = fieldsToYMap(signedMemberFields(ID, rec, mallory.signing));
  membersMap(onMallory.plain).set(alice.deviceId, e);
  onMallory.sealed.flush();
  syncBoxes(onAlice, onMallory);
  const n = upgradeMemberRecords(onAlice.plain, ID, alice.signing.publicKey, alice.signing);
  onAlice.sealed.flush();
  // A snapshot of the founder's replica: a fresh one would otherwise wait for Mallory's entry
  // (quarantined: her record is not the founder's yet) before the founder's overwrite of it applies.
  onAlice.sealed.compact();
  const strictAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.signing.publicKey, box: onAlice.box });
  syncBoxes(onAlice, strictAlice);
  const wrote = writeMemberHead(strictAlice);
  expect(n).toBeGreaterThan(0);
  expect(isCurrentOwner(strictAlice.plain, alice.deviceId)).toBe(true);
  expect(wrote).toBe(true);
  expect(boxShowsStrict(onAlice.box, ID, onAlice.meta, alice.signing.publicKey)).toBe(true);
});
