import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { putMemberHead } from '../../../sync/share/member-head-codec.ts';
import { memberListStatus, writeMemberHead } from '../../../sync/share/member-head.ts';
import { fieldsToYMap, signedMemberFields } from '../../../sync/share/member-record.ts';
import { revokeInvite, sweepInvites } from '../../../sync/share/join-notebook.ts';
import { boxShowsStrict, upgradeMemberRecords } from '../../../sync/share/member-upgrade.ts';
import { addMember, foundMembers, isCurrentMember, isCurrentOwner, markMemberRemoved, membersMap, readRawMember, resignMember } from '../../../sync/share/members.ts';
import { removeMemberAndRotate, type SharedNotebook } from '../../../sync/share/rotate-key.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, quarantineCodes, syncBoxes, titles, unsignedMember, type TestDevice, oldNotebookWithMallory, foundedWith } from '../share/share-harness.ts';

/**
 * Review findings 4, 7 and 11 of owner-signed member records: what a member writes into the
 * plain doc's member list (any writer may) must not decide who is a member or owner, nor turn
 * a notebook strict, nor cancel another's redemption of an invite.
 */
beforeAll(sodiumReady);
const ID = 'nb-member-chain';

const junk = (): Y.Map<unknown> => {
  const entry = new Y.Map<unknown>();
  entry.set('role', 'x');
  return entry;
};

/**
 * Alice founds with `members` and an invite open from `addedAt` to `expiresAt`, then writes a
 * head; the invite's and the members' replicas are synced. `proof` is the invite's record as
 * a redemption carries it (redeemInvite).
 */
function notebookWithInvite(addedAt: number, expiresAt: number, ...members: TestDevice[]) {
  const [alice, invite] = [newDevice(), newDevice()];
  const key = firstKey();
  const open = (device: TestDevice) => openReplica({ id: ID, device, keyring: keyringWith(key), founder: alice.signing.publicKey });
  const onAlice = open(alice);
  foundMembers(onAlice.plain, memberKeys(alice), alice.signing);
  for (const member of members) addMember(onAlice.plain, memberKeys(member), 'member', alice.signing);
  addMember(onAlice.plain, memberKeys(invite), 'invite', alice.signing, addedAt, expiresAt);
  onAlice.sealed.flush();
  writeMemberHead(onAlice);
  const onInvite = open(invite);
  const replicas = members.map(open);
  syncBoxes(onAlice, onInvite, ...replicas);
  const proof = JSON.stringify((membersMap(onInvite.plain).get(invite.deviceId) as Y.Map<unknown>).toJSON());
  return { alice, invite, onAlice, onInvite, replicas, proof };
}

/**
 * The link holder's redemption as redeemInvite writes it: the joiner added (signed by the
 * invite's key, `addedAt` its pick) and the invite removed by itself at `removedAt`.
 */
function redeem(onInvite: SharedNotebook, invite: TestDevice, joiner: TestDevice, proof: string, addedAt = Date.now(), removedAt = Date.now()): void {
  addMember(onInvite.plain, memberKeys(joiner), 'member', invite.signing, addedAt, undefined, proof);
  const open = readRawMember(onInvite.plain, invite.deviceId);
  if (!open) throw new Error('no invite record');
  resignMember(onInvite.plain, open, invite.signing, { removedAt });
  onInvite.sealed.flush();
}

/** What a relay hands on of `from`: every map but `withheld`, and every entry but `entries`. */
function servedWithout(from: Y.Doc, withheld: { maps?: readonly string[]; entries?: readonly string[] }): Y.Doc {
  const served = new Y.Doc();
  for (const name of from.share.keys()) {
    if (withheld.maps?.includes(name)) continue;
    from.getMap<unknown>(name).forEach((value, k) => {
      if (!(name === 'entries' && withheld.entries?.includes(k))) served.getMap<unknown>(name).set(k, value);
    });
  }
  return served;
}

/**
 * An invite that expired a second before `now`; Alice's device sweeps it at `now` and writes a
 * head naming it removed; a relay hands Carol all of that but the sweep's own entry.
 */
function sweptBehindCarolsBack(now: number) {
  const { invite, onAlice, onInvite, replicas: [onCarol], proof } = notebookWithInvite(now - 2000, now - 1000, newDevice());
  if (!onCarol) throw new Error('no replica');
  const before = new Set(onAlice.box.getMap('entries').keys());
  expect(sweepInvites(onAlice, now)).toBe(true);
  onAlice.sealed.flush();
  writeMemberHead(onAlice);
  const sweep = [...onAlice.box.getMap('entries').keys()].filter((k) => !before.has(k));
  expect(sweep).toHaveLength(1);
  Y.applyUpdate(onCarol.box, Y.encodeStateAsUpdate(servedWithout(onAlice.box, { entries: sweep })));
  return { invite, onInvite, onCarol, proof };
}

describe('attack: a member writes into the member list', () => {
  it('finding 4: a member overwrites the founder\'s and an owner\'s records with junk: both stay owners, the owner\'s notes apply, and the list says it lacks their records', () => {
    const [bob, mallory] = [newDevice(), newDevice()];
    const { alice, onAlice, replicas: [onBob, onMallory] } = foundedWith(ID, [bob, 'owner'], [mallory, 'member']);
    if (!onBob || !onMallory) throw new Error('no replica');
    membersMap(onMallory.plain).set(alice.deviceId, junk());
    membersMap(onMallory.plain).set(bob.deviceId, junk());
    onMallory.sealed.flush();
    syncBoxes(onAlice, onBob, onMallory);
    expect(readRawMember(onAlice.plain, alice.deviceId)).toBeUndefined();
    createNote(onBob.plain, { title: 'by bob' });
    onBob.sealed.flush();
    syncBoxes(onAlice, onBob, onMallory);
    for (const nb of [onAlice, onBob]) {
      expect(isCurrentOwner(nb.plain, alice.deviceId)).toBe(true);
      expect(isCurrentOwner(nb.plain, bob.deviceId)).toBe(true);
      expect(titles(nb)).toEqual(['by bob']);
      const status = memberListStatus(nb);
      expect(status.ok ? [] : status.error.missing.sort()).toEqual([alice.deviceId, bob.deviceId].sort());
    }
    // Bob still removes her.
    expect(removeMemberAndRotate(onBob, mallory.deviceId).ok).toBe(true);
    syncBoxes(onAlice, onBob, onMallory);
    expect(isCurrentMember(onAlice.plain, mallory.signing.publicKey)).toBe(false);
  });

  it('finding 7: in a notebook from before signed records, a member\'s unsigned owner record and a head it signs do not make it strict; the founder\'s upgrade still does', () => {
    const { alice, mallory, key, onAlice, onMallory } = oldNotebookWithMallory(ID);
    unsignedMember(onMallory.plain, mallory, 'owner', mallory.deviceId);
    onMallory.sealed.flush();
    putMemberHead(onMallory.box, ID, onMallory.meta, 1, new Map(), mallory.signing);
    syncBoxes(onAlice, onMallory);
    expect(boxShowsStrict(onAlice.box, ID, onAlice.meta, alice.signing.publicKey)).toBe(false);
    // The founder's device upgrades: every record signed as it stands, then the first head.
    expect(upgradeMemberRecords(onAlice.plain, ID, alice.signing.publicKey, alice.signing)).toBeGreaterThan(0);
    onAlice.sealed.flush();
    const strictAlice = openReplica({ id: ID, device: alice, keyring: keyringWith(key), founder: alice.signing.publicKey, box: onAlice.box });
    expect(writeMemberHead(strictAlice)).toBe(true);
    expect(boxShowsStrict(onAlice.box, ID, onAlice.meta, alice.signing.publicKey)).toBe(true);
  });

  it('finding 11: a member writes a second "redemption" of an invite under a key of its own: the real joiner stays a member', () => {
    const [mallory, joiner, fake] = [newDevice(), newDevice(), newDevice()];
    const { invite, onAlice, onInvite, replicas: [onMallory], proof } = notebookWithInvite(Date.now(), Date.now() + 3600_000, mallory);
    if (!onMallory) throw new Error('no replica');
    // The joiner's redemption, as redeemInvite writes it: the invite's record as proof, signed by its one-time key.
    addMember(onInvite.plain, memberKeys(joiner), 'member', invite.signing, Date.now(), undefined, proof);
    markMemberRemoved(onInvite.plain, invite.deviceId, invite.signing);
    onInvite.sealed.flush();
    syncBoxes(onAlice, onInvite, onMallory);
    expect(isCurrentMember(onAlice.plain, joiner.signing.publicKey)).toBe(true);
    // Mallory: a record naming the invite as adder, with the same proof, signed by her own key.
    const record = { ...memberKeys(fake), role: 'member' as const, addedBy: invite.deviceId, addedAt: Date.now(), removedAt: undefined, expiresAt: undefined, version: 1, proof };
    const fields = signedMemberFields(ID, record, mallory.signing);
    const entry = fieldsToYMap(fields);
    membersMap(onMallory.plain).set(fake.deviceId, entry);
    onMallory.sealed.flush();
    syncBoxes(onAlice, onInvite, onMallory);
    expect(isCurrentMember(onAlice.plain, joiner.signing.publicKey)).toBe(true);
    expect(isCurrentMember(onAlice.plain, fake.signing.publicKey)).toBe(false);
  });

  it('a link holder redeems one invite for two devices: the second is not let in by the one-time link', () => {
    const [joiner, second] = [newDevice(), newDevice()];
    const { invite, onAlice, onInvite, proof } = notebookWithInvite(Date.now(), Date.now() + 3600_000);
    for (const device of [joiner, second]) addMember(onInvite.plain, memberKeys(device), 'member', invite.signing, Date.now(), undefined, proof);
    onInvite.sealed.flush();
    syncBoxes(onAlice, onInvite);
    expect(isCurrentMember(onAlice.plain, second.signing.publicKey)).toBe(false);
  });

  it('a link holder redeems an invite after its expiry by its own clock: the redemption does not count', () => {
    const joiner = newDevice();
    const now = Date.now();
    const { invite, onAlice, onInvite, proof } = notebookWithInvite(now - 2000, now - 1000);
    addMember(onInvite.plain, memberKeys(joiner), 'member', invite.signing, now, undefined, proof);
    onInvite.sealed.flush();
    syncBoxes(onAlice, onInvite);
    expect(isCurrentMember(onAlice.plain, joiner.signing.publicKey)).toBe(false);
  });

  it('an owner withdraws an invite; a relay keeps its revocation from Carol: the link holder\'s redemption written after the withdrawal still does not count there', () => {
    const [carol, joiner] = [newDevice(), newDevice()];
    const { alice, invite, onAlice, onInvite, replicas: [onCarol], proof } = notebookWithInvite(Date.now(), Date.now() + 3600_000, carol);
    if (!onCarol) throw new Error('no replica');
    expect(revokeInvite(onAlice, invite.deviceId, alice.signing)).toBe(true);
    onAlice.sealed.flush();
    // The relay hands Carol and the link holder everything but the revocation.
    const served = servedWithout(onAlice.box, { maps: ['revocations'] });
    for (const nb of [onCarol, onInvite]) Y.applyUpdate(nb.box, Y.encodeStateAsUpdate(served));
    addMember(onInvite.plain, memberKeys(joiner), 'member', invite.signing, Date.now(), undefined, proof);
    onInvite.sealed.flush();
    Y.applyUpdate(onCarol.box, Y.encodeStateAsUpdate(onInvite.box));
    expect(isCurrentMember(onCarol.plain, joiner.signing.publicKey)).toBe(false);
  });

  it('finding 11 (the bound on expiry): a link holder redeems an invite an owner swept as expired, backdating the redemption and re-signing the invite\'s removal over the sweep: it counts for nothing', () => {
    const joiner = newDevice();
    const now = Date.now();
    const { invite, onAlice, onInvite, proof } = notebookWithInvite(now - 2000, now - 1000);
    // The owner's device sweeps it at its own clock, and its head names the invite removed.
    expect(sweepInvites(onAlice, now)).toBe(true);
    onAlice.sealed.flush();
    writeMemberHead(onAlice);
    syncBoxes(onAlice, onInvite);
    redeem(onInvite, invite, joiner, proof, now - 1500, now);
    syncBoxes(onAlice, onInvite);
    // The swept invite's key signs nothing any more: its envelope is refused whole.
    expect(quarantineCodes(onAlice)).toEqual(['E_SIGNER']);
    expect(isCurrentMember(onAlice.plain, joiner.signing.publicKey)).toBe(false);
  });

  it('finding 11 (the bound on expiry, with a relay): Carol gets the owner\'s head naming the swept invite removed but not the sweep itself; the link holder\'s backdated redemption still counts for nothing there', () => {
    const joiner = newDevice();
    const now = Date.now();
    const { invite, onInvite, onCarol, proof } = sweptBehindCarolsBack(now);
    redeem(onInvite, invite, joiner, proof, now - 1500, now);
    syncBoxes(onCarol, onInvite);
    expect(isCurrentMember(onCarol.plain, joiner.signing.publicKey)).toBe(false);
  });

  it('a swept invite\'s key signs nothing on Carol, who holds the owner\'s head naming it removed but not the sweep: a note it writes is refused', () => {
    const { onInvite, onCarol } = sweptBehindCarolsBack(Date.now());
    createNote(onInvite.plain, { title: 'by the expired link' });
    onInvite.sealed.flush();
    Y.applyUpdate(onCarol.box, Y.encodeStateAsUpdate(onInvite.box));
    expect(titles(onCarol)).toEqual([]);
    expect(quarantineCodes(onCarol)).toEqual(['E_SIGNER']);
  });

  it('Carol holds the owner\'s head naming a used invite removed (by itself) before the redemption reaches her: the redemption still applies and the joiner is a member there', () => {
    const [carol, joiner] = [newDevice(), newDevice()];
    const { invite, onAlice, onInvite, replicas: [onCarol], proof } = notebookWithInvite(Date.now(), Date.now() + 3600_000, carol);
    if (!onCarol) throw new Error('no replica');
    redeem(onInvite, invite, joiner, proof, Date.now(), Date.now());
    syncBoxes(onAlice, onInvite);
    expect(writeMemberHead(onAlice)).toBe(true);
    // The head first, alone; the redemption's envelope after it.
    onAlice.box.getMap<Uint8Array>('memberHeads').forEach((value, k) => onCarol.box.getMap<Uint8Array>('memberHeads').set(k, value));
    expect(isCurrentMember(onCarol.plain, joiner.signing.publicKey)).toBe(true);
    expect(memberListStatus(onCarol).ok).toBe(false);
    syncBoxes(onCarol, onInvite);
    expect(quarantineCodes(onCarol)).toEqual([]);
    expect(memberListStatus(onCarol).ok).toBe(true);
  });

  /**
   * Carol applies a link holder's redemption; Alice, who has not seen it, withdraws the invite
   * (`sweep`: sweeps it as expired, the redemption backdated within its time) at the same time,
   * and her replica then refuses the redemption's envelope (`E_SIGNER`). Both re-sign the invite's
   * record at version 2: `aliceWins` picks whose the plain doc keeps on Carol (Yjs keeps the write
   * of the higher client id).
   */
  function withdrawnWhileRedeemed(aliceWins: boolean, sweep: boolean) {
    const [carol, joiner] = [newDevice(), newDevice()];
    const now = Date.now();
    const { alice, invite, onAlice, onInvite, replicas: [onCarol], proof } = notebookWithInvite(now - 2000, sweep ? now - 1000 : now + 3600_000, carol);
    if (!onCarol) throw new Error('no replica');
    onAlice.plain.clientID = aliceWins ? 0x7ffffff0 : 1;
    onInvite.plain.clientID = aliceWins ? 1 : 0x7ffffff0;
    redeem(onInvite, invite, joiner, proof, now - 1500, now);
    syncBoxes(onCarol, onInvite);
    expect(isCurrentMember(onCarol.plain, joiner.signing.publicKey)).toBe(true);
    expect(sweep ? sweepInvites(onAlice, now) : revokeInvite(onAlice, invite.deviceId, alice.signing, now)).toBe(true);
    onAlice.sealed.flush();
    syncBoxes(onAlice, onCarol);
    expect(quarantineCodes(onAlice)).toEqual(['E_SIGNER']);
    expect(isCurrentMember(onAlice.plain, joiner.signing.publicKey)).toBe(false);
    return { joiner, onCarol };
  }

  it('an owner sweeps an expired invite while Carol already applied its (backdated) redemption, and the sweep is the record Carol keeps: the joiner is no member there either (only the "withdrawn by an owner" check stands here: a sweep writes no revocation)', () => {
    const { joiner, onCarol } = withdrawnWhileRedeemed(true, true);
    expect(isCurrentMember(onCarol.plain, joiner.signing.publicKey)).toBe(false);
  });

  it('an owner withdraws an invite while Carol already applied its redemption, and Carol\'s plain doc keeps the invite\'s own removal: the joiner is still no member there, as on Alice (the owner\'s revocation of the invite says it was withdrawn)', () => {
    const { joiner, onCarol } = withdrawnWhileRedeemed(false, false);
    expect(isCurrentMember(onCarol.plain, joiner.signing.publicKey)).toBe(false);
  });
});
