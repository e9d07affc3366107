import { beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { memberHeadsMap } from '../../../sync/share/member-head-codec.ts';
import { writeMemberHead } from '../../../sync/share/member-head.ts';
import { fieldsToYMap, signedMemberFields } from '../../../sync/share/member-record.ts';
import { upgradeMemberRecords } from '../../../sync/share/member-upgrade.ts';
import { isCurrentMember, isCurrentOwner, membersMap } from '../../../sync/share/members.ts';
import { keyringWith, newDevice, openReplica, quarantineCodes, syncBoxes, oldNotebookWithMallory } from '../share/share-harness.ts';

/**
 * A fresh strict replica of an upgraded old notebook that replays its entries one by one
 * (noticed with member-upgrade-foreign-signer.test.ts, reproduced here): before any head, the
 * member's unsigned record counts for nothing, so her entry is quarantined `E_SIGNER`; the
 * founder's upgrade overwrites what that entry wrote, so Yjs holds the upgrade back until the
 * entry applies. Only a head can name her; when it arrives the replica must try her entry again.
 */
beforeAll(sodiumReady);
const ID = 'nb-upgrade-replay';

it('a fresh strict replica that got the entries before head 1 applies them once the head arrives', () => {
  const { alice, mallory, key, onAlice, onMallory } = oldNotebookWithMallory(ID);
  const rec = { signingPublicKey: alice.signing.publicKey, boxPublicKey: alice.box.publicKey, role: 'owner' as const, addedBy: alice.deviceId, addedAt: 1, removedAt: undefined, expiresAt: undefined, version: 1, proof: undefined };
  membersMap(onMallory.plain).set(alice.deviceId, fieldsToYMap(signedMemberFields(ID, rec, mallory.signing)));
  onMallory.sealed.flush();
  syncBoxes(onAlice, onMallory);
  expect(upgradeMemberRecords(onAlice.plain, ID, alice.signing.publicKey, alice.signing)).toBeGreaterThan(0);
  onAlice.sealed.flush();
  // The relay has handed a fresh device every entry, but no head yet.
  const fresh = openReplica({ id: ID, device: newDevice(), keyring: keyringWith(key), founder: alice.signing.publicKey, box: new Y.Doc() });
  Y.applyUpdate(fresh.box, Y.encodeStateAsUpdate(onAlice.box));
  expect(quarantineCodes(fresh)).toContain('E_SIGNER');
  // The founder's device writes head 1 (it reads its own snapshot, as the app's replica holds everything).
  onAlice.sealed.compact();
  const strictAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.signing.publicKey, box: onAlice.box });
  syncBoxes(onAlice, strictAlice);
  expect(writeMemberHead(strictAlice)).toBe(true);
  // Now the head alone reaches the fresh device.
  memberHeadsMap(onAlice.box).forEach((value, k) => memberHeadsMap(fresh.box).set(k, value));
  expect(quarantineCodes(fresh)).toEqual([]);
  expect(isCurrentOwner(fresh.plain, alice.deviceId)).toBe(true);
  expect(isCurrentMember(fresh.plain, mallory.signing.publicKey)).toBe(true);
});
