import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateSigningKeyPair, toBase64Url } from '../../../crypto/index.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { createMutableKeyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { inviteIdentity } from '../../../sync/share/join-notebook.ts';
import { parseInviteLink } from '../../../sync/share/invite-link.ts';
import { keyEnvelopeEntries, openKeyEnvelope } from '../../../sync/share/key-envelope.ts';
import { roomMeta } from '../../../sync/share/room-meta.ts';
import { must, newDevice, open, until } from '../vault-sync/vault-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

/**
 * Everything a link can give whoever holds it (found in a browser history, a chat log, a
 * screenshot), with no honest checks: any key the link carries, any key sealed in the box to
 * the link's one-time identity, whoever signed it, expiry ignored. Returns the note titles
 * those keys open in `box` (which the relay hands anyone who knows the room).
 */
function readWithLink(link: string, box: Y.Doc): string[] {
  const invite = must(parseInviteLink(link, 0));
  const keys = new Map<string, Uint8Array>();
  const carried = invite as unknown as { keyId?: string; key?: Uint8Array };
  if (carried.keyId && carried.key) keys.set(carried.keyId, carried.key);
  const identity = inviteIdentity(invite.oneTimeSeed);
  // The link names the room, so its holder unseals the room's sharing maps and knows its writer slots.
  const meta = roomMeta(invite.room);
  for (const { place, envelope } of keyEnvelopeEntries(box, invite.notebookId, meta)) {
    if (place.recipientDeviceId !== identity.deviceId) continue;
    const opened = openKeyEnvelope(envelope, place, identity.box);
    if (opened) keys.set(place.keyId, opened.key);
  }
  const first = [...keys.keys()][0];
  if (!first) return [];
  const plain = new Y.Doc();
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(box));
  new SealedDoc({ docId: invite.notebookId, plain, box: copy, keyring: createMutableKeyring(keys, first), writer: newWriter(generateSigningKeyPair()), trustSigner: () => true, writerSlot: meta.slot });
  return readNotes(plain).map((note) => note.title);
}

describe('attack: an invite link is a lasting read credential', () => {
  it('a link carries no notebook key (founding or current)', async () => {
    const alice = await newDevice(relay.relayUrl, 'alice');
    try {
      const id = alice.vault.notebooks.create('Secrets');
      const na = await open(alice, id);
      const { link } = must(await alice.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] }));
      const payload = link.slice(link.indexOf('#/join/') + '#/join/'.length);
      for (const [keyId, key] of [[na.shared.keyring.current().keyId, na.shared.keyring.current().key]] as const) {
        expect.soft(payload.includes(toBase64Url(key).slice(0, 20)) || Buffer.from(payload, 'base64url').includes(Buffer.from(key)), `key ${keyId} in the link`).toBe(false);
      }
    } finally {
      await alice.close();
    }
  });

  it('a revoked link that was never used reads nothing written after the revocation', async () => {
    const alice = await newDevice(relay.relayUrl, 'alice');
    try {
      const id = alice.vault.notebooks.create('Secrets');
      const na = await open(alice, id);
      const { link, inviteId } = must(await alice.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] }));
      must(await alice.vault.sharing.revokeInvite(id, inviteId));
      createNote(na.doc, { title: 'after the revocation' });
      await na.flush();
      expect(readWithLink(link, na.box)).not.toContain('after the revocation');
    } finally {
      await alice.close();
    }
  });

  it('an expired link reads nothing written after the next rotation', async () => {
    const alice = await newDevice(relay.relayUrl, 'alice');
    const bob = await newDevice(relay.relayUrl, 'bob');
    try {
      const id = alice.vault.notebooks.create('Secrets');
      const na = await open(alice, id);
      const expiring = must(await alice.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl], ttlMs: 200 })).link;
      must(await bob.vault.sharing.joinByInvite(must(await alice.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] })).link));
      await until(na.doc, () => na.shared.plain.getMap('members').has(bob.vault.deviceId), 20_000, 'bob on alice');
      await new Promise((resolve) => setTimeout(resolve, 300));
      must(await alice.vault.sharing.removeMember(id, bob.vault.deviceId));
      createNote(na.doc, { title: 'after the rotation' });
      await na.flush();
      expect(readWithLink(expiring, na.box)).not.toContain('after the rotation');
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  it('a used link, found later in a history, reads nothing written after it was used', async () => {
    const alice = await newDevice(relay.relayUrl, 'alice');
    const bob = await newDevice(relay.relayUrl, 'bob');
    try {
      const id = alice.vault.notebooks.create('Secrets');
      const na = await open(alice, id);
      const { link } = must(await alice.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] }));
      must(await bob.vault.sharing.joinByInvite(link));
      const nb = await open(bob, id);
      await until(na.doc, () => na.shared.plain.getMap('members').has(bob.vault.deviceId), 20_000, 'bob on alice');
      createNote(na.doc, { title: 'after bob joined' });
      await na.flush();
      await until(nb.doc, () => readNotes(nb.doc).some((n) => n.title === 'after bob joined'), 20_000, 'bob reads');
      await until(na.box, () => [...nb.box.getMap('keys').keys()].every((k) => na.box.getMap('keys').has(k)) && nb.box.getMap('keys').size === na.box.getMap('keys').size, 20_000, 'boxes agree');
      expect(readWithLink(link, na.box)).not.toContain('after bob joined');
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});
