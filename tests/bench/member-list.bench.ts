/**
 * `npm run bench -- member-list [junk records] [envelopes]`: what a strict notebook's member
 * list costs a replica that applies envelopes (sync/share/member-authority.ts judges the list
 * again when it changed). A member stores N junk records (default 5,000: signed by herself for
 * fresh keys, so each verifies and none counts); then another member's notes arrive one
 * envelope each, and every tenth envelope re-signs a record (a member-list change). Printed:
 * the median ms per applied envelope of each kind, against the same notebook without junk.
 */
import * as Y from 'yjs';
import { sodiumReady } from '../../crypto/index.ts';
import { createNote } from '../../sync/notebook/notes.ts';
import { writeMemberHead } from '../../sync/share/member-head.ts';
import { fieldsToYMap, signedMemberFields } from '../../sync/share/member-record.ts';
import { addMember, foundMembers, isCurrentMember, membersMap } from '../../sync/share/members.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, type TestDevice } from '../integration/share/share-harness.ts';

const ID = 'nb-bench-member-list';

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
}

function measure(junk: number, envelopes: number): { note: number; member: number; setupMs: number } {
  const [alice, bob, carol, mallory] = [newDevice(), newDevice(), newDevice(), newDevice()];
  const key = firstKey();
  const open = (device: TestDevice) => openReplica({ id: ID, device, keyring: keyringWith(key), founder: alice.signing.publicKey });
  const onAlice = open(alice);
  foundMembers(onAlice.plain, memberKeys(alice), alice.signing);
  for (const device of [bob, carol, mallory]) addMember(onAlice.plain, memberKeys(device), 'member', alice.signing);
  onAlice.sealed.flush();
  writeMemberHead(onAlice);
  const [onBob, onCarol, onMallory] = [open(bob), open(carol), open(mallory)];
  const started = performance.now();
  for (const nb of [onBob, onCarol, onMallory]) Y.applyUpdate(nb.box, Y.encodeStateAsUpdate(onAlice.box));
  onMallory.plain.transact(() => {
    for (let i = 0; i < junk; i++) {
      const fake = newDevice();
      const record = { ...memberKeys(fake), role: 'member' as const, addedBy: mallory.deviceId, addedAt: Date.now(), removedAt: undefined, expiresAt: undefined, version: 1, proof: undefined };
      membersMap(onMallory.plain).set(fake.deviceId, fieldsToYMap(signedMemberFields(ID, record, mallory.signing)));
    }
  });
  onMallory.sealed.flush();
  for (const nb of [onBob, onCarol]) Y.applyUpdate(nb.box, Y.encodeStateAsUpdate(onMallory.box, Y.encodeStateVector(nb.box)));
  isCurrentMember(onCarol.plain, bob.signing.publicKey);
  const setupMs = performance.now() - started;
  const note: number[] = [];
  const member: number[] = [];
  for (let i = 0; i < envelopes; i++) {
    const changesList = i % 10 === 9;
    if (changesList) addMember(onBob.plain, memberKeys(newDevice()), 'member', bob.signing);
    else createNote(onBob.plain, { title: `note ${i}` });
    onBob.sealed.flush();
    const update = Y.encodeStateAsUpdate(onBob.box, Y.encodeStateVector(onCarol.box));
    const at = performance.now();
    Y.applyUpdate(onCarol.box, update);
    isCurrentMember(onCarol.plain, bob.signing.publicKey);
    (changesList ? member : note).push(performance.now() - at);
  }
  if (onCarol.sealed.quarantine.size > 0) throw new Error('bench: an envelope was refused');
  return { note: median(note), member: median(member), setupMs };
}

export async function run(args: string[]): Promise<void> {
  await sodiumReady();
  const junk = Number(args[0] ?? 5000);
  const envelopes = Number(args[1] ?? 60);
  measure(0, 10); // warm-up
  const base = measure(0, envelopes);
  const loaded = measure(junk, envelopes);
  const row = (what: string, b: number, l: number) => ({ what, 'no junk ms': +b.toFixed(2), [`${junk} junk ms`]: +l.toFixed(2), ratio: +(l / Math.max(b, 0.01)).toFixed(1) });
  console.table([row('note envelope', base.note, loaded.note), row('member-list envelope', base.member, loaded.member)]);
  console.log(`setup (apply the junk once and judge the list): ${loaded.setupMs.toFixed(0)} ms with ${junk} junk records, ${base.setupMs.toFixed(0)} ms without`);
}
