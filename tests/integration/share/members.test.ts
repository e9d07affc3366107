import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { parseInviteLink } from '../../../sync/share/invite-link.ts';
import { acceptInvite, createInvite, openInviteKeys, redeemInvite, revokeInvite } from '../../../sync/share/join-notebook.ts';
import { keyEnvelopeEntries } from '../../../sync/share/key-envelope.ts';
import { handCurrentKey } from '../../../sync/share/rotate-key.ts';
import { addNotebookKey, notebookFounder, notebookKeys } from '../../../sync/vault-doc/vault-doc.ts';
import { foundMembers, listMembers, readMember } from '../../../sync/share/members.ts';
import { seededRandom, shuffle, testSeed } from '../../helpers/seeded-random.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, quarantineCodes, syncBoxes, testRoomOf, titles } from './share-harness.ts';

beforeAll(sodiumReady);
const ID = 'nb-shared-1';

/** Alice founds a notebook; returns her replica and what an invite needs. */
function founded() {
  const alice = newDevice();
  const k1 = firstKey();
  const a = openReplica({ id: ID, device: alice, keyring: keyringWith(k1), founder: alice.deviceId });
  foundMembers(a.plain, memberKeys(alice), alice.signing);
  createNote(a.plain, { title: 'alice-1' });
  a.sealed.flush();
  return { alice, k1, a };
}

function invite(f: ReturnType<typeof founded>) {
  const { link, oneTimeDeviceId } = createInvite({
    origin: 'https://obscura.example', notebookId: ID, notebookName: 'Shared', founderSigningPublicKey: f.alice.signing.publicKey,
    room: testRoomOf(ID), plain: f.a.plain, sealed: f.a.sealed, inviter: f.alice.signing,
  });
  handCurrentKey(f.a);
  const parsed = parseInviteLink(link);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return { invite: parsed.value, oneTimeDeviceId };
}

describe('notebook members', () => {
  it('E_SIGNER: an envelope from a key that is not a member is quarantined, even when it holds the notebook key', () => {
    const f = founded();
    const mallory = openReplica({ id: ID, device: newDevice(), keyring: keyringWith(f.k1), founder: f.alice.deviceId });
    syncBoxes(f.a, mallory);
    createNote(mallory.plain, { title: 'mallory' });
    mallory.sealed.flush();
    syncBoxes(f.a, mallory);
    expect(titles(f.a)).toEqual(['alice-1']);
    expect(quarantineCodes(f.a)).toEqual(['E_SIGNER']);
    // A snapshot from a non-member is no better than an update.
    mallory.sealed.compact();
    syncBoxes(f.a, mallory);
    expect(titles(f.a)).toEqual(['alice-1']);
  });

  it('invite round trip: the joiner redeems the one-time key, its earlier and later edits reach everyone, a fresh replica converges in any order', () => {
    const seed = testSeed();
    console.log(`members invite seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const f = founded();
    const { invite: inv, oneTimeDeviceId } = invite(f);
    const bob = newDevice();
    const bobVault = new Y.Doc();
    expect(acceptInvite(bobVault, inv)).toBe(true);
    expect(acceptInvite(bobVault, inv)).toBe(false);
    expect(notebookFounder(bobVault, ID)).toBe(f.alice.deviceId);
    expect(notebookKeys(bobVault, ID)).toBeUndefined();
    const bobBox = new Y.Doc();
    Y.applyUpdate(bobBox, Y.encodeStateAsUpdate(f.a.box));
    const [linkKey, ...more] = openInviteKeys(bobBox, inv);
    if (!linkKey) throw new Error('no key sealed to the invite');
    expect([linkKey.keyId, more]).toEqual([f.k1.keyId, []]);
    addNotebookKey(bobVault, ID, linkKey.keyId, linkKey.key, false);
    expect(notebookKeys(bobVault, ID)?.currentKeyId).toBe(f.k1.keyId);
    const b = openReplica({ id: ID, device: bob, keyring: keyringWith(linkKey), founder: inv.founderDeviceId, vaultDoc: bobVault, box: bobBox });
    const pending = redeemInvite(inv, new Y.Doc(), b.box, memberKeys(bob), b.keyring.current());
    expect(pending.ok ? 'ok' : pending.error.code).toBe('E_INVITE_PENDING');
    createNote(b.plain, { title: 'bob-before-joining' });
    b.sealed.flush();
    syncBoxes(f.a, b);
    expect(titles(f.a)).toEqual(['alice-1']);
    const redeemed = redeemInvite(inv, b.plain, b.box, memberKeys(bob), b.keyring.current());
    expect(redeemed.ok).toBe(true);
    // Used: nobody may open the key sealed to it any more.
    expect(keyEnvelopeEntries(b.box, ID, b.meta).filter((e) => e.place.recipientDeviceId === oneTimeDeviceId)).toEqual([]);
    createNote(b.plain, { title: 'bob-after' });
    b.sealed.flush();
    syncBoxes(f.a, b);
    expect(titles(f.a)).toEqual(['alice-1', 'bob-after', 'bob-before-joining']);
    expect(readMember(f.a.plain, bob.deviceId)).toMatchObject({ role: 'member', addedBy: oneTimeDeviceId, removedAt: undefined });
    expect(readMember(f.a.plain, oneTimeDeviceId)?.removedAt).toBeTypeOf('number');
    expect(keyEnvelopeEntries(f.a.box, ID, f.a.meta).filter((e) => e.place.recipientDeviceId === oneTimeDeviceId)).toEqual([]);
    const again = redeemInvite(inv, b.plain, b.box, memberKeys(newDevice()), b.keyring.current());
    expect(again.ok ? 'ok' : again.error.code).toBe('E_INVITE_USED');

    // Alice's second device loads every box update, shuffled: trust settles whatever the order.
    const updates: Uint8Array[] = [];
    const source = new Y.Doc();
    source.on('update', (u: Uint8Array) => updates.push(u));
    Y.applyUpdate(source, Y.encodeStateAsUpdate(f.a.box));
    const fresh = openReplica({ id: ID, device: newDevice(), keyring: keyringWith(f.k1), founder: f.alice.deviceId });
    const perEntry = [...source.getMap<Uint8Array>('entries').entries()].map(([k, v]) => {
      const one = new Y.Doc();
      one.getMap<Uint8Array>('entries').set(k, v);
      return Y.encodeStateAsUpdate(one);
    });
    for (const update of shuffle(perEntry, random)) Y.applyUpdate(fresh.box, update);
    expect(titles(fresh)).toEqual(titles(f.a));
    expect(quarantineCodes(fresh)).toEqual([]);
    expect(listMembers(fresh.plain).map((m) => m.deviceId).sort()).toEqual(listMembers(f.a.plain).map((m) => m.deviceId).sort());
  });

  it('E_INVITE_INVITER and E_INVITE_REVOKED: a link naming another inviter, or a revoked invite, cannot be redeemed', () => {
    const f = founded();
    const { invite: inv, oneTimeDeviceId } = invite(f);
    const b = openReplica({ id: ID, device: newDevice(), keyring: keyringWith(f.k1), founder: f.alice.deviceId });
    syncBoxes(f.a, b);
    const forged = redeemInvite({ ...inv, inviterSigningPublicKey: newDevice().signing.publicKey }, b.plain, b.box, memberKeys(newDevice()), b.keyring.current());
    expect(forged.ok ? 'ok' : forged.error.code).toBe('E_INVITE_INVITER');
    expect(revokeInvite(f.a, oneTimeDeviceId, f.alice.signing)).toBe(true);
    f.a.sealed.flush();
    syncBoxes(f.a, b);
    expect(keyEnvelopeEntries(b.box, ID, b.meta).filter((e) => e.place.recipientDeviceId === oneTimeDeviceId)).toEqual([]);
    const revoked = redeemInvite(inv, b.plain, b.box, memberKeys(newDevice()), b.keyring.current());
    expect(revoked.ok ? 'ok' : revoked.error.code).toBe('E_INVITE_REVOKED');
  });
});
