import { describe, expect, it } from 'vitest';
import { newKeyId, randomNotebookKey } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { keysMap, sealKeyEnvelope } from '../../../sync/share/key-envelope.ts';
import { readMember } from '../../../sync/share/members.ts';
import { must, newDevice, open, titles, until } from '../vault-sync/vault-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

/**
 * Issue 12 §3: a member seals a key of its own to another member, dated year 2500, before
 * it is removed. A sender's clock must never pick the current key: after the removal and
 * rotation, the remaining member writes under the rotation's key, and the removed member
 * reads nothing it writes.
 */
describe('attack: a future-dated key planted by a member before its removal', () => {
  it('does not stay current after the rotation: what Bob writes next is unreadable to the removed Mallory', async () => {
    const alice = await newDevice(relay.relayUrl, 'alice');
    const bob = await newDevice(relay.relayUrl, 'bob');
    const mallory = await newDevice(relay.relayUrl, 'mallory');
    try {
      const id = alice.vault.notebooks.create('Club');
      const na = await open(alice, id);
      createNote(na.doc, { title: 'welcome' });
      await na.flush();
      const invite = async () => must(await alice.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] })).link;
      must(await bob.vault.sharing.joinByInvite(await invite()));
      must(await mallory.vault.sharing.joinByInvite(await invite()));
      const nb = await open(bob, id);
      const nm = await open(mallory, id);
      await until(nm.doc, () => readMember(nm.shared.plain, bob.vault.deviceId) !== undefined, 20_000, 'bob on mallory');
      await until(na.doc, () => readMember(na.shared.plain, mallory.vault.deviceId) !== undefined, 20_000, 'mallory on alice');

      // Mallory, still a member, hands Bob a key of hers dated 2500 (and keeps it).
      const evil = { keyId: newKeyId(), key: randomNotebookKey() };
      const bobBox = readMember(nm.shared.plain, bob.vault.deviceId)?.boxPublicKey;
      if (!bobBox) throw new Error('no box key for bob');
      keysMap(nm.box).set(
        `${bob.vault.deviceId}/${evil.keyId}`,
        sealKeyEnvelope({ notebookId: id, recipientDeviceId: bob.vault.deviceId, keyId: evil.keyId }, bobBox, evil.key, Date.UTC(2500, 0, 1), nm.shared.self.signing),
      );
      nm.shared.keyring.add(evil.keyId, evil.key.slice());
      await until(nb.box, () => keysMap(nb.box).has(`${bob.vault.deviceId}/${evil.keyId}`), 20_000, 'the planted key on bob');

      const rotated = must(await alice.vault.sharing.removeMember(id, mallory.vault.deviceId));
      await until(nb.doc, () => nb.shared.keyring.has(rotated.keyId), 20_000, 'the rotation\'s key on bob');
      expect.soft(nb.shared.keyring.current().keyId).toBe(rotated.keyId);

      createNote(nb.doc, { title: 'bob after the removal' });
      await nb.flush();
      await until(na.doc, () => titles(na.doc).includes('bob after the removal'), 20_000).catch(() => undefined);
      expect.soft(titles(na.doc), 'the group stays one: Alice reads Bob').toContain('bob after the removal');
      await until(nm.box, () => [...nb.box.getMap('entries').keys()].every((key) => nm.box.getMap('entries').has(key)), 20_000, 'bob\'s entries on mallory');
      expect.soft(titles(nm.doc)).not.toContain('bob after the removal');
    } finally {
      await Promise.all([alice.close(), bob.close(), mallory.close()]);
    }
  });
});
