import { describe, expect, it } from 'vitest';
import { createNote } from '../../../sync/notebook/notes.ts';
import { startVaultSync } from '../../../sync/vault/vault-sync.ts';
import { deviceRevocationHolds } from '../../../sync/vault-doc/device-revocations.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { boxContains, linkNewDevice, must, newDevice, open, PASS, relayHolds, relayOnly, titles, until, Ws, type Device } from './vault-sync-harness.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

const linkNew = (from: Device, name: string): Promise<Device> => linkNewDevice(from, relay.relayUrl, name);

/** The app's part: sync stops for the rotation and starts again after it, in the new vault room. */
async function rotate(device: Device): Promise<{ device: Device; rotation: Awaited<ReturnType<Device['vault']['rotation']['rotate']>> }> {
  const rotation = await device.vault.rotation.rotate(PASS);
  device.sync.stop();
  const sync = startVaultSync(device.vault, { settings: relayOnly(relay.relayUrl), deviceName: 'alice-laptop', WebSocketPolyfill: Ws });
  return { device: { ...device, sync }, rotation };
}

describe('rotating the vault key on the Vault (through the real relay)', () => {
  it('signs out the person\'s other device: in a notebook this device owns it reads nothing written after (E_KEY_UNKNOWN) and what it writes no longer reaches it through the relay; linked again, a device gets the new key and reads everything', async () => {
    let a = await newDevice(relay.relayUrl, 'alice-laptop');
    const a2 = await linkNew(a, 'alice-phone');
    let a3: Device | undefined;
    try {
      const id = a.vault.notebooks.create('Home');
      const na = await open(a, id);
      createNote(na.doc, { title: 'before' });
      await a.vault.flush();
      await until(a2.vault.doc, () => a2.vault.notebooks.list().some((nb) => nb.id === id), 20_000, 'Home on the phone');
      const n2 = await open(a2, id);
      await until(n2.doc, () => titles(n2.doc).includes('before'), 20_000, 'before on the phone');
      await until(na.doc, () => na.shared.plain.getMap('members').has(a2.vault.deviceId), 20_000, 'the phone a member');

      expect(await a.vault.rotation.preview()).toEqual({ otherDevices: 1, notebooksKeepingKey: 0 });
      const oldRoom = a.vault.replicas.vault().roomId;
      const rotated = await rotate(a);
      a = rotated.device;
      expect(must(rotated.rotation)).toMatchObject({ signedOut: [a2.vault.deviceId], rotatedNotebooks: 1, keptNotebooks: 0, cleanupPending: false });
      expect(a.vault.replicas.vault().roomId).not.toBe(oldRoom);
      expect(deviceRevocationHolds(a.vault.doc, a.vault.vaultId, a2.vault.deviceId)).toBe(true);
      expect(must(await a.vault.sharing.members(id)).find((m) => m.deviceId === a2.vault.deviceId)?.removedAt).toBeTypeOf('number');
      expect(await a.vault.rotation.preview()).toEqual({ otherDevices: 0, notebooksKeepingKey: 0 });

      createNote(na.doc, { title: 'after' });
      await na.flush();
      await relayHolds(relay.relayUrl, na.roomId, na.box);
      await until(n2.box, () => boxContains(n2.box, na.box), 20_000, 'the laptop\'s box on the phone');
      expect(titles(n2.doc)).not.toContain('after');
      expect([...n2.sealed.quarantine.values()].some((q) => q.code === 'E_KEY_UNKNOWN')).toBe(true);

      const before = new Set(n2.box.getMap('entries').keys());
      createNote(n2.doc, { title: 'from-the-signed-out-phone' });
      await n2.flush();
      const byPhone = [...n2.box.getMap('entries').keys()].filter((key) => !before.has(key));
      // The relay refuses it (the room's write key follows the rotated key); over a peer
      // connection it would be set aside E_SIGNER (share/device-revocations.test.ts).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(titles(na.doc)).toEqual(['after', 'before']);
      expect(byPhone.filter((key) => na.box.getMap('entries').has(key))).toEqual([]);

      // A notebook made after the rotation never reaches the old vault room.
      const later = a.vault.notebooks.create('Later');
      await a.vault.flush();
      await relayHolds(relay.relayUrl, a.vault.replicas.vault().roomId, a.vault.replicas.vault().box);
      expect(a2.vault.replicas.vault().roomId).toBe(oldRoom);
      expect(a2.vault.notebooks.list().some((nb) => nb.id === later)).toBe(false);

      // Linked again (a new device, new keys): the new vault key, every notebook, added as a member.
      a3 = await linkNew(a, 'alice-phone-again');
      expect(a3.vault.replicas.vault().roomId).toBe(a.vault.replicas.vault().roomId);
      await until(a3.vault.doc, () => a3!.vault.notebooks.list().some((nb) => nb.id === id), 20_000, 'Home on the relinked phone');
      const n3 = await open(a3, id);
      await until(n3.doc, () => titles(n3.doc).includes('after'), 20_000, 'after on the relinked phone');
      expect(titles(n3.doc)).toEqual(['after', 'before']);
      await until(na.doc, () => na.shared.plain.getMap('members').has(a3!.vault.deviceId), 20_000, 'the relinked phone a member');
      createNote(n3.doc, { title: 'from-the-relinked-phone' });
      await n3.flush();
      await until(na.doc, () => titles(na.doc).includes('from-the-relinked-phone'), 20_000, 'its note on the laptop');
    } finally {
      await Promise.all([a.close(), a2.close(), a3?.close()]);
    }
  });

  it('a notebook owned by another person keeps its key: counted, and the signed-out device still reads it there until its owner removes it', async () => {
    const bob = await newDevice(relay.relayUrl, 'bob');
    let a = await newDevice(relay.relayUrl, 'alice-laptop');
    const a2 = await linkNew(a, 'alice-phone');
    try {
      const id = bob.vault.notebooks.create('Bob\'s recipes');
      const onBob = await open(bob, id);
      createNote(onBob.doc, { title: 'bread' });
      must(await a.vault.sharing.joinByInvite(must(await bob.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] })).link));
      await open(a, id);
      await until(a2.vault.doc, () => a2.vault.notebooks.list().some((nb) => nb.id === id), 20_000, 'the notebook on the phone');
      const n2 = await open(a2, id);
      await until(n2.doc, () => n2.shared.plain.getMap('members').has(a2.vault.deviceId), 20_000, 'the phone added by the laptop');
      a.vault.notebooks.create('Own');

      expect(await a.vault.rotation.preview()).toEqual({ otherDevices: 1, notebooksKeepingKey: 1 });
      const rotated = await rotate(a);
      a = rotated.device;
      expect(must(rotated.rotation)).toMatchObject({ rotatedNotebooks: 1, keptNotebooks: 1 });

      createNote(onBob.doc, { title: 'written-after-alice-rotated' });
      await onBob.flush();
      await until(n2.doc, () => titles(n2.doc).includes('written-after-alice-rotated'), 20_000, 'Bob\'s note on the signed-out phone');
    } finally {
      await Promise.all([bob.close(), a.close(), a2.close()]);
    }
  });

  it('E_PASSPHRASE: a wrong passphrase changes nothing: same header, same vault room, sync keeps running', async () => {
    const a = await newDevice(relay.relayUrl, 'alice');
    try {
      const header = await a.services.storage.load(['vault', 'header']);
      const room = a.vault.replicas.vault().roomId;
      const result = await a.vault.rotation.rotate('not the passphrase');
      expect(result.ok ? 'rotated' : result.error.code).toBe('E_PASSPHRASE');
      expect(await a.services.storage.load(['vault', 'header'])).toEqual(header);
      expect(a.vault.replicas.vault().roomId).toBe(room);
      expect(a.vault.syncing).toBe(true);
      expect(a.vault.locked).toBe(false);
    } finally {
      await a.close();
    }
  });
});
