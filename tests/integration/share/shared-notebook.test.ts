import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { parseInviteLink } from '../../../sync/share/invite-link.ts';
import { acceptInvite, createInvite, openInviteKeys, redeemInvite } from '../../../sync/share/join-notebook.ts';
import { readMember } from '../../../sync/share/members.ts';
import { handCurrentKey, removeMemberAndRotate } from '../../../sync/share/rotate-key.ts';
import { openSharedNotebook, startSharing } from '../../../sync/share/shared-notebook.ts';
import { addNotebook, addNotebookKey, notebookRoom, registerDevice } from '../../../sync/vault-doc/vault-doc.ts';
import { approvedBy, memberKeys, newDevice, quarantineCodes, syncBoxes, syncDocs, titles, type TestDevice } from './share-harness.ts';

beforeAll(sodiumReady);

function open(id: string, vaultDoc: Y.Doc, device: TestDevice, box = new Y.Doc(), ownDevices = approvedBy(vaultDoc, device)) {
  const opened = openSharedNotebook(id, vaultDoc, box, device, { ownDevices, coalesceMs: 5 });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

describe('openSharedNotebook', () => {
  it('founder, invited person and the founder\'s second device share one notebook; a rotation reaches the second device through the vault doc', () => {
    const [alice, alice2, bob] = [newDevice(), newDevice(), newDevice()];
    const vaultA = new Y.Doc();
    registerDevice(vaultA, alice.deviceId, alice.signing.publicKey, alice.box.publicKey);
    const id = addNotebook(vaultA, 'Trip');
    expect(openSharedNotebook(id, vaultA, new Y.Doc(), alice, { ownDevices: approvedBy(vaultA, alice) }).ok ? 'ok' : 'E_NOT_SHARED').toBe('E_NOT_SHARED');
    startSharing(vaultA, id, alice);
    // Alice's first device approved her second one when she linked it (device-approvals.ts).
    const a = open(id, vaultA, alice, new Y.Doc(), approvedBy(vaultA, alice, alice2));
    expect(readMember(a.plain, alice.deviceId)?.role).toBe('owner');
    createNote(a.plain, { title: 'alice' });
    a.sealed.flush();

    const room = notebookRoom(vaultA, id);
    if (!room) throw new Error('no room');
    const { link } = createInvite({
      origin: 'https://obscura.example', notebookId: id, notebookName: 'Trip', founderSigningPublicKey: alice.signing.publicKey,
      room, plain: a.plain, sealed: a.sealed, inviter: alice.signing,
    });
    handCurrentKey(a);
    const inv = parseInviteLink(link);
    if (!inv.ok) throw new Error(inv.error.message);
    const vaultB = new Y.Doc();
    acceptInvite(vaultB, inv.value);
    const boxB = new Y.Doc();
    syncBoxes(a, { box: boxB });
    for (const { keyId, key } of openInviteKeys(boxB, inv.value)) addNotebookKey(vaultB, id, keyId, key, false);
    const b = open(id, vaultB, bob, boxB);
    expect(titles(b)).toEqual(['alice']);
    expect(redeemInvite(inv.value, b.plain, b.box, memberKeys(bob), b.keyring.current()).ok).toBe(true);
    createNote(b.plain, { title: 'bob' });
    b.sealed.flush();

    // Alice links a second device: it appears in her vault doc, her first device adds it. A
    // device registered by someone who only holds the vault key is listed too, and added by nobody.
    const vaultA2 = new Y.Doc();
    syncDocs(vaultA, vaultA2);
    const keyHolder = newDevice();
    registerDevice(vaultA2, alice2.deviceId, alice2.signing.publicKey, alice2.box.publicKey);
    registerDevice(vaultA2, keyHolder.deviceId, keyHolder.signing.publicKey, keyHolder.box.publicKey);
    syncDocs(vaultA, vaultA2);
    expect(readMember(a.plain, alice2.deviceId)?.addedBy).toBe(alice.deviceId);
    expect(readMember(a.plain, keyHolder.deviceId)).toBeUndefined();
    const boxA2 = new Y.Doc();
    syncBoxes(a, b, { box: boxA2 });
    const a2 = open(id, vaultA2, alice2, boxA2, approvedBy(vaultA2, alice2, alice));
    createNote(a2.plain, { title: 'alice2' });
    a2.sealed.flush();
    syncBoxes(a, b, a2);
    for (const nb of [a, b, a2]) expect(titles(nb)).toEqual(['alice', 'alice2', 'bob']);

    const rotated = removeMemberAndRotate(a, bob.deviceId);
    if (!rotated.ok) throw new Error(rotated.error.message);
    createNote(a.plain, { title: 'after' });
    a.sealed.flush();
    syncBoxes(a, b, a2);
    syncDocs(vaultA, vaultA2);
    expect(a2.keyring.current().keyId).toBe(rotated.value.keyId);
    expect(titles(a2)).toEqual(['after', 'alice', 'alice2', 'bob']);
    expect(titles(b)).toEqual(['alice', 'alice2', 'bob']);
    expect(quarantineCodes(b)).toContain('E_KEY_UNKNOWN');
    expect(quarantineCodes(a2)).toEqual([]);
    for (const nb of [a, b, a2]) nb.close();
  });
});
