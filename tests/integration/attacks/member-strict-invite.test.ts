import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { parseInviteLink } from '../../../sync/share/invite-link.ts';
import { acceptInvite, createInvite, openInviteKeys, redeemInvite } from '../../../sync/share/join-notebook.ts';
import { memberListStatus } from '../../../sync/share/member-head.ts';
import { isCurrentOwner, readMember } from '../../../sync/share/members.ts';
import { handCurrentKey, type SharedNotebook } from '../../../sync/share/rotate-key.ts';
import { openSharedNotebook, startSharing } from '../../../sync/share/shared-notebook.ts';
import { addNotebook, addNotebookKey, notebookRoom, registerDevice } from '../../../sync/vault-doc/vault-doc.ts';
import { approvedBy, memberKeys, newDevice, syncBoxes, unsignedMember, type TestDevice } from '../share/share-harness.ts';

/**
 * First review #8 of owner-signed member records: strictness reached a joiner only through its
 * box, so a relay that withheld every head left a fresh joiner reading the member list lax,
 * counting a member's unsigned records (a stranger as owner). The owner-signed invite says the
 * notebook is strict; the joiner counts no unsigned record and says its list is incomplete
 * until a head arrives.
 */
beforeAll(sodiumReady);

function open(id: string, vaultDoc: Y.Doc, device: TestDevice, box: Y.Doc) {
  const opened = openSharedNotebook(id, vaultDoc, box, device, { ownDevices: approvedBy(vaultDoc, device), coalesceMs: 5 });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

/** The box as a relay serves it: every map of `from`, but for `withheld`. */
function served(from: Y.Doc, withheld: readonly string[]): Y.Doc {
  const out = new Y.Doc();
  for (const name of from.share.keys()) if (!withheld.includes(name)) from.getMap<unknown>(name).forEach((value, k) => out.getMap<unknown>(name).set(k, value));
  return out;
}

/** `device` joins by an invite of Alice's, its box served without the maps `withheld`. */
function joinBy(onAlice: SharedNotebook, device: TestDevice, withheld: readonly string[] = []) {
  const room = notebookRoom(onAlice.vaultDoc, onAlice.id);
  const founder = onAlice.self.signing.publicKey;
  if (!room) throw new Error('no room');
  const { link } = createInvite({ origin: 'https://obscura.example', notebookId: onAlice.id, notebookName: 'Trip', founderSigningPublicKey: founder, room, plain: onAlice.plain, sealed: onAlice.sealed, inviter: onAlice.self.signing });
  handCurrentKey(onAlice);
  onAlice.sealed.flush();
  const invite = parseInviteLink(link);
  if (!invite.ok) throw new Error(invite.error.message);
  const vault = new Y.Doc();
  acceptInvite(vault, invite.value);
  const box = new Y.Doc();
  Y.applyUpdate(box, Y.encodeStateAsUpdate(served(onAlice.box, withheld)));
  for (const { keyId, key } of openInviteKeys(box, invite.value)) addNotebookKey(vault, onAlice.id, keyId, key, false);
  const nb = open(onAlice.id, vault, device, box);
  return { nb, redeem: () => redeemInvite(invite.value, nb.plain, nb.box, memberKeys(device), nb.keyring.current()) };
}

describe('attack: a relay withholds every member-list head from a fresh joiner', () => {
  it('a member\'s unsigned record making a stranger owner does not count on the joiner, which says its list is incomplete; the joiner still joins', () => {
    const [alice, mallory, joiner, stranger] = [newDevice(), newDevice(), newDevice(), newDevice()];
    const vaultA = new Y.Doc();
    registerDevice(vaultA, alice.deviceId, alice.signing.publicKey, alice.box.publicKey);
    const id = addNotebook(vaultA, 'Trip');
    startSharing(vaultA, id, alice);
    const onAlice = open(id, vaultA, alice, new Y.Doc());
    const m = joinBy(onAlice, mallory);
    expect(m.redeem().ok).toBe(true);
    syncBoxes(onAlice, m.nb);
    expect(readMember(onAlice.plain, mallory.deviceId)?.role).toBe('member');
    // Mallory, a member, writes an unsigned record (any writer may) naming a stranger owner.
    unsignedMember(m.nb.plain, stranger, 'owner', mallory.deviceId);
    m.nb.sealed.flush();
    syncBoxes(onAlice, m.nb);
    const j = joinBy(onAlice, joiner, ['memberHeads']);
    expect(isCurrentOwner(j.nb.plain, stranger.deviceId)).toBe(false);
    expect(readMember(j.nb.plain, stranger.deviceId)).toBeUndefined();
    const status = memberListStatus(j.nb);
    expect(status.ok ? 'ok' : status.error.code).toBe('E_MEMBERS_INCOMPLETE');
    expect(j.redeem().ok).toBe(true);
    // Once a head arrives the list is complete.
    syncBoxes(onAlice, j.nb);
    expect(memberListStatus(j.nb).ok).toBe(true);
    for (const nb of [onAlice, m.nb, j.nb]) nb.close();
  });
});
