import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateBoxKeyPair, newKeyId, randomBytes, randomNotebookKey, sealEnvelope } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { boxMaps, entryKey } from '../../../sync/sealed/box-layout.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { createInviteLink, parseInviteLink } from '../../../sync/share/invite-link.ts';
import { keysMap, sealKeyEnvelope } from '../../../sync/share/key-envelope.ts';
import { readMember } from '../../../sync/share/members.ts';
import { notebookFounder } from '../../../sync/vault-doc/vault-doc.ts';
import { newDevice as testDevice } from '../share/share-harness.ts';
import { must, newDevice, open, reopenDevice, titles } from '../vault-sync/vault-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

/**
 * Issue 12 §1: anyone who ever saw a link to a notebook knows its id (and, with v1 links,
 * its founding key). They sign a link that names that notebook with their own key as
 * founder; the victim opens it while unlocked. Nothing about the victim's notebook may
 * change: not the founder pin, not the current key, not what the notes show.
 */
describe('attack: a crafted invite link for a notebook the victim already has', () => {
  it('changes nothing: the join is refused (E_INVITE_ALREADY_JOINED), the founder stays, planted notes and keys are not used', async () => {
    let alice = await newDevice(relay.relayUrl, 'alice');
    try {
      const id = alice.vault.notebooks.create('Diary');
      const na = await open(alice, id);
      createNote(na.doc, { title: 'my own words' });
      await na.flush();
      const founderBefore = notebookFounder(alice.vault.doc, id);
      const keyBefore = na.shared.keyring.current().keyId;
      // Mallory once saw an honest link (made for someone else), and, as a removed member
      // would, holds the notebook's key.
      const seen = must(parseInviteLink(must(await alice.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] })).link));
      const held = na.shared.keyring.current();

      const mallory = testDevice();
      const crafted = createInviteLink(
        ORIGIN,
        {
          notebookId: id,
          notebookName: 'Diary',
          founderSigningPublicKey: mallory.signing.publicKey,
          strictMembers: true,
          room: seen.room,
          oneTimeSeed: randomBytes(32),
          expiresAt: Date.now() + 3_600_000,
          signalingUrls: [],
          relayUrls: [relay.relayUrl],
        },
        mallory.signing,
      );
      const joined = await alice.vault.sharing.joinByInvite(crafted, { timeoutMs: 2_000 });
      expect.soft(joined.ok ? 'joined' : joined.error.code).toBe('E_INVITE_ALREADY_JOINED');
      expect.soft(notebookFounder(alice.vault.doc, id)).toBe(founderBefore);

      // What Mallory plants as a peer of the room: a note signed by her "founder" key and
      // a newer key for Alice, dated far in the future.
      const plantedKey = { keyId: newKeyId(), key: randomNotebookKey() };
      const writer = newWriter(mallory.signing);
      const plant = new Y.Doc();
      const planted = new Y.Doc();
      createNote(planted, { title: 'planted by mallory' });
      boxMaps(plant).entries.set(
        entryKey(writer.writerId, 1),
        sealEnvelope({ key: held.key, keyId: held.keyId, plaintext: Y.encodeStateAsUpdate(planted), signer: mallory.signing, context: { notebookId: id, writerId: writer.writerId, seq: 1, purpose: 'update' } }),
      );
      const aliceBox = readMember(na.shared.plain, alice.vault.deviceId)?.boxPublicKey ?? generateBoxKeyPair().publicKey;
      keysMap(plant).set(
        `${alice.vault.deviceId}/${plantedKey.keyId}`,
        sealKeyEnvelope({ notebookId: id, recipientDeviceId: alice.vault.deviceId, keyId: plantedKey.keyId }, aliceBox, plantedKey.key, Date.UTC(2500, 0, 1), mallory.signing),
      );
      Y.applyUpdate(na.box, Y.encodeStateAsUpdate(plant), 'a hostile peer');
      await na.flush();

      // As it stands now and after the next unlock, when the notebook is opened afresh.
      for (const reopen of [false, true]) {
        if (reopen) {
          await alice.close();
          alice = await reopenDevice(alice.services, relay.relayUrl, 'alice');
        }
        const nb = reopen ? await open(alice, id) : na;
        expect.soft(titles(nb.doc), `reopened: ${reopen}`).toEqual(['my own words']);
        expect.soft(nb.shared.keyring.current().keyId, `reopened: ${reopen}`).toBe(keyBefore);
        expect.soft([...nb.sealed.quarantine.values()].filter((q) => q.key.startsWith(alice.vault.deviceId)), `reopened: ${reopen}`).toEqual([]);
      }
    } finally {
      await alice.close();
    }
  });
});
