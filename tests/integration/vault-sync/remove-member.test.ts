import { describe, expect, it } from 'vitest';
import { createNote } from '../../../sync/notebook/notes.ts';
import { boxContains, must, newDevice, open, reopenDevice, titles, until } from './vault-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();


describe('removeMember on the Vault', () => {
  it('removed B cannot read what is written after the rotation (E_KEY_UNKNOWN); C keeps syncing; what B writes no longer reaches A through the relay', async () => {
    const a = await newDevice(relay.relayUrl, 'alice');
    const b = await newDevice(relay.relayUrl, 'bob');
    const c = await newDevice(relay.relayUrl, 'carol');
    try {
      const id = a.vault.notebooks.create('Plans');
      const na = await open(a, id);
      createNote(na.doc, { title: 'before' });
      const invite = async () => must(await a.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] })).link;
      must(await b.vault.sharing.joinByInvite(await invite()));
      must(await c.vault.sharing.joinByInvite(await invite()));
      const nb = await open(b, id);
      const nc = await open(c, id);
      await until(nb.doc, () => titles(nb.doc).includes('before'), 20_000, 'before on B');
      await until(na.doc, () => na.shared.plain.getMap('members').has(c.vault.deviceId), 20_000, 'C on A');

      const rotated = must(await a.vault.sharing.removeMember(id, b.vault.deviceId));
      createNote(na.doc, { title: 'after-removal' });
      await na.flush();
      await until(nc.doc, () => titles(nc.doc).includes('after-removal'), 20_000, 'after-removal on C');
      expect(nc.shared.keyring.current().keyId).toBe(rotated.keyId);
      expect(nc.sealed.quarantine.size).toBe(0);

      await until(nb.box, () => boxContains(nb.box, na.box), 20_000, 'A\'s box on B');
      expect(titles(nb.doc)).not.toContain('after-removal');
      expect([...nb.sealed.quarantine.values()].some((q) => q.code === 'E_KEY_UNKNOWN')).toBe(true);
      expect(nb.shared.keyring.has(rotated.keyId)).toBe(false);

      const before = new Set(nb.box.getMap('entries').keys());
      createNote(nb.doc, { title: 'from-removed-bob' });
      await nb.flush();
      const byBob = [...nb.box.getMap('entries').keys()].filter((key) => !before.has(key));
      createNote(nc.doc, { title: 'from-carol' });
      await nc.flush();
      await until(na.doc, () => titles(na.doc).includes('from-carol'), 20_000, 'from-carol on A');
      expect(titles(na.doc)).toEqual(['after-removal', 'before', 'from-carol']);
      // The relay refuses what B writes now (its write key follows the rotated key); over a
      // peer connection it would arrive and be set aside E_SIGNER (share/rotate-key.test.ts).
      expect(byBob.filter((key) => na.box.getMap('entries').has(key))).toEqual([]);
      const removed = must(await a.vault.sharing.members(id)).find((m) => m.deviceId === b.vault.deviceId);
      expect(removed?.removedAt).toBeTypeOf('number');
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('a member offline during the rotation finds the same room afterwards and picks up the new key there', async () => {
    const a = await newDevice(relay.relayUrl, 'alice');
    const b = await newDevice(relay.relayUrl, 'bob');
    let c = await newDevice(relay.relayUrl, 'carol');
    const cServices = c.services;
    try {
      const id = a.vault.notebooks.create('Rooms');
      const na = await open(a, id);
      createNote(na.doc, { title: 'before' });
      const invite = async () => must(await a.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] })).link;
      must(await b.vault.sharing.joinByInvite(await invite()));
      must(await c.vault.sharing.joinByInvite(await invite()));
      const roomBefore = (await open(c, id)).roomId;
      await until(na.doc, () => na.shared.plain.getMap('members').has(c.vault.deviceId), 20_000, 'C on A');
      await c.close();

      const rotated = must(await a.vault.sharing.removeMember(id, b.vault.deviceId));
      createNote(na.doc, { title: 'written-while-carol-was-away' });
      await na.flush();
      expect(na.roomId).toBe(roomBefore);

      c = await reopenDevice(cServices, relay.relayUrl, 'carol');
      const nc = await open(c, id);
      await until(nc.doc, () => titles(nc.doc).includes('written-while-carol-was-away'), 20_000, 'the post-rotation note on C');
      expect(nc.roomId).toBe(roomBefore);
      expect(nc.shared.keyring.current().keyId).toBe(rotated.keyId);
      expect(nc.sealed.quarantine.size).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
