import { beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { currentMemberHead } from '../../../sync/share/member-authority.ts';
import { isCurrentMember, membersMap } from '../../../sync/share/members.ts';
import { removeMemberAndRotate, pickUpNotebookKeys } from '../../../sync/share/rotate-key.ts';
import { keyEnvelopeEntries } from '../../../sync/share/key-envelope.ts';
import { newDevice, syncBoxes, foundedWith } from '../share/share-harness.ts';

beforeAll(sodiumReady);
const ID = 'nb-junkself';

it('a member who junks her own record before her removal is named removed by the head: a colluder writing her old record back gets her no later key', () => {
  const [mallory, eve, dave] = [newDevice(), newDevice(), newDevice()];
  const { alice, onAlice, replicas: [onMallory, onEve] } = foundedWith(ID, [mallory, 'member'], [eve, 'member'], [dave, 'member']);
  if (!onMallory || !onEve) throw new Error('no replica');
  const v1 = (membersMap(onEve.plain).get(mallory.deviceId) as Y.Map<unknown>).toJSON();
  const junk = new Y.Map<unknown>();
  junk.set('role', 'x');
  membersMap(onMallory.plain).set(mallory.deviceId, junk);
  onMallory.sealed.flush();
  syncBoxes(onAlice, onMallory, onEve);
  const r = removeMemberAndRotate(onAlice, mallory.deviceId);
  syncBoxes(onAlice, onMallory, onEve);
  const row = currentMemberHead(onAlice.plain)?.records.get(mallory.deviceId);
  // No record of hers to sign a removal on: the head alone names her removed.
  expect(r.ok).toBe(true);
  expect(row?.removed).toBe(true);
  expect(isCurrentMember(onAlice.plain, mallory.signing.publicKey)).toBe(false);
  // Eve picks up the new key and writes Mallory's v1 record back.
  pickUpNotebookKeys(onEve, [alice.signing.publicKey]);
  const e = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(v1)) e.set(k, v);
  membersMap(onEve.plain).set(mallory.deviceId, e);
  onEve.sealed.flush();
  syncBoxes(onAlice, onMallory, onEve);
  expect(isCurrentMember(onAlice.plain, mallory.signing.publicKey)).toBe(false);
  removeMemberAndRotate(onAlice, dave.deviceId);
  syncBoxes(onAlice, onMallory, onEve);
  const toMallory = keyEnvelopeEntries(onAlice.box, ID, onAlice.meta).filter((x) => x.place.recipientDeviceId === mallory.deviceId).length;
  const picked = pickUpNotebookKeys(onMallory, [alice.signing.publicKey]);
  expect(toMallory).toBe(0);
  expect(picked).toEqual([]);
  expect(onMallory.keyring.has(onAlice.keyring.current().keyId)).toBe(false);
});
