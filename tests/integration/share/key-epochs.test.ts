import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newKeyId, randomNotebookKey, sodiumReady } from '../../../crypto/index.ts';
import { countedEpochs, epochsMap, readKeyEpoch, writeKeyEpoch } from '../../../sync/share/key-epochs.ts';
import { putKeyEnvelope } from '../../../sync/share/key-envelope.ts';
import { addMember, foundMembers, isCurrentOwner } from '../../../sync/share/members.ts';
import { chooseCurrentKey, pickUpNotebookKeys, removeMemberAndRotate, upgradeKeyEpochs } from '../../../sync/share/rotate-key.ts';
import { addJoinedNotebook } from '../../../sync/vault-doc/vault-doc.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, syncBoxes, type TestDevice } from './share-harness.ts';

beforeAll(sodiumReady);
const ID = 'nb-epochs';

/** Alice and Dan (owners, different people), Bob and Carol (members); Alice founded it. */
function shared() {
  const [alice, dan, bob, carol] = [newDevice(), newDevice(), newDevice(), newDevice()];
  const k1 = firstKey();
  const open = (device: TestDevice) => {
    const vaultDoc = new Y.Doc();
    addJoinedNotebook(vaultDoc, ID, 'Shared', k1.keyId, k1.key);
    return openReplica({ id: ID, device, keyring: keyringWith(k1), founder: alice.deviceId, vaultDoc });
  };
  const a = open(alice);
  foundMembers(a.plain, memberKeys(alice), alice.signing);
  addMember(a.plain, memberKeys(dan), 'owner', alice.signing);
  addMember(a.plain, memberKeys(bob), 'member', alice.signing);
  addMember(a.plain, memberKeys(carol), 'member', alice.signing);
  a.sealed.flush();
  expect(upgradeKeyEpochs(a, 'founded')).toBe(true);
  const [d, b, c] = [open(dan), open(bob), open(carol)];
  const all = [a, d, b, c];
  syncBoxes(...all);
  return { alice, dan, bob, carol, k1, a, d, b, c, all };
}

const current = (nb: { keyring: { current(): { keyId: string } } }): string => nb.keyring.current().keyId;
const settle = (all: Parameters<typeof syncBoxes>, nbs: Parameters<typeof pickUpNotebookKeys>[0][]): void => {
  for (let i = 0; i < 3; i++) {
    syncBoxes(...all);
    for (const nb of nbs) pickUpNotebookKeys(nb);
  }
};

describe('key epochs (sync/share/key-epochs.ts)', () => {
  it('two owners rotating at once write the same next epoch; every member ends on the same key (the smaller key id)', () => {
    const s = shared();
    const byAlice = removeMemberAndRotate(s.a, s.carol.deviceId);
    const byDan = removeMemberAndRotate(s.d, s.bob.deviceId);
    if (!byAlice.ok || !byDan.ok) throw new Error('rotation refused');
    settle(s.all, [s.a, s.d]);
    const winner = [byAlice.value.keyId, byDan.value.keyId].sort()[0];
    expect(countedEpochs(s.a.box, ID, s.a.meta, (id) => isCurrentOwner(s.a.plain, id)).map((e) => e.epoch)).toEqual([2, 2, 1]);
    expect([current(s.a), current(s.d)]).toEqual([winner, winner]);
  });

  it('an epoch record signed by a member who is not an owner does not count', () => {
    const s = shared();
    const own = { keyId: newKeyId(), key: randomNotebookKey() };
    s.b.keyring.add(own.keyId, own.key.slice());
    writeKeyEpoch(s.b.box, ID, s.b.meta, 99, own.keyId, 'bob says so', s.bob.signing);
    putKeyEnvelope(s.b.box, s.b.meta, { notebookId: ID, recipientDeviceId: s.alice.deviceId, keyId: own.keyId }, s.alice.box.publicKey, own.key, Date.now(), s.bob.signing);
    settle(s.all, [s.a]);
    expect(s.a.keyring.has(own.keyId)).toBe(true);
    expect(current(s.a)).toBe(s.k1.keyId);
    chooseCurrentKey(s.b);
    expect(current(s.b)).toBe(s.k1.keyId);
  });

  it('an owner\'s epoch stops counting once another owner removed it: the keys it named are no longer current', () => {
    const s = shared();
    const dans = { keyId: newKeyId(), key: randomNotebookKey() };
    s.d.keyring.add(dans.keyId, dans.key.slice(), true);
    writeKeyEpoch(s.d.box, ID, s.d.meta, 50, dans.keyId, 'dan', s.dan.signing);
    for (const to of [s.bob, s.alice]) {
      putKeyEnvelope(s.d.box, s.d.meta, { notebookId: ID, recipientDeviceId: to.deviceId, keyId: dans.keyId }, to.box.publicKey, dans.key, Date.now(), s.dan.signing);
    }
    settle(s.all, [s.a, s.b]);
    expect(current(s.b)).toBe(dans.keyId);
    const removed = removeMemberAndRotate(s.a, s.dan.deviceId);
    if (!removed.ok) throw new Error(removed.error.message);
    settle(s.all, [s.a, s.b]);
    const at = `51/${removed.value.keyId}/${s.a.meta.slot(s.alice.deviceId)}`;
    expect(readKeyEpoch(ID, s.a.meta, at, epochsMap(s.a.box).get(at))?.cause).toBe(s.dan.deviceId);
    expect([current(s.a), current(s.b)]).toEqual([removed.value.keyId, removed.value.keyId]);
  });
});
