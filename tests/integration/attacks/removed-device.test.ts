import { describe, expect, it } from 'vitest';
import { createNote } from '../../../sync/notebook/notes.ts';
import { isDeviceRevoked } from '../../../sync/vault/device-revocations.ts';
import { vaultKeysMap } from '../../../sync/vault/vault-key-handover.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { boxContains, linkNewDevice, must, newDevice, open, PASS, relayOnly, relayHolds, reopenDevice, startDevice, titles, until, type Device } from '../vault-sync/vault-sync-harness.ts';

/**
 * Issue 18 §1: a stolen phone is removed from ONE of the person's devices, with the others
 * kept. Removing it from each notebook's members was not enough: the phone still held the
 * vault key, so it read the notebook's new key from the vault doc, every note written after,
 * and the notebooks made after. Vault.removeDevice replaces the vault key too and hands the
 * new one to the remaining devices only.
 */
const relay = relayForSuite();
/**
 * A room that forwards whatever a member's peer sends, as a WebRTC peer does: the relay's write
 * capability (which follows the notebook's current key) would otherwise hold back the entries
 * a device still on the old key writes, and hide what peer-to-peer sync delivers.
 */
const forwardingRelay = relayForSuite({ requireWriteCapability: false });

const linkNew = (from: Device, name: string): Promise<Device> => linkNewDevice(from, relay.relayUrl, name);

/** The app's part: sync stops for the removal and starts again after it. */
async function removeFrom(device: Device, deviceId: string, passphrase = PASS): Promise<{ device: Device; removal: Awaited<ReturnType<Device['vault']['removeDevice']>> }> {
  const removal = await device.vault.removeDevice(deviceId, passphrase);
  device.sync.stop();
  return { device: await startDevice(device.vault, device.services, relayOnly(relay.relayUrl), 'a device'), removal };
}

describe('attack: a removed own device (issue 18 §1)', () => {
  it('the removed phone reads nothing written after its removal, in the notebook or the vault doc, and what it writes is not accepted; the tablet takes up the new key at its next unlock and keeps syncing', async () => {
    let laptop = await newDevice(relay.relayUrl, 'alice-laptop');
    const phone = await linkNew(laptop, 'alice-phone');
    let tablet = await linkNew(laptop, 'alice-tablet');
    try {
      const id = laptop.vault.createNotebook('Home');
      const onLaptop = await open(laptop, id);
      createNote(onLaptop.doc, { title: 'before' });
      await laptop.vault.flush();
      for (const device of [phone, tablet]) await until(device.vault.doc, () => device.vault.notebooks().some((nb) => nb.id === id), 20_000, 'Home on a linked device');
      const onPhone = await open(phone, id);
      await until(onPhone.doc, () => titles(onPhone.doc).includes('before'), 20_000, 'before on the phone');
      await until(onLaptop.doc, () => [phone, tablet].every((d) => onLaptop.shared.plain.getMap('members').has(d.vault.deviceId)), 20_000, 'phone and tablet members');

      const handedOver = new Promise<void>((resolve) => tablet.vault.onHandover(resolve));
      const removed = await removeFrom(laptop, phone.vault.deviceId);
      laptop = removed.device;
      expect(must(removed.removal)).toMatchObject({ signedOut: [phone.vault.deviceId], handedTo: [tablet.vault.deviceId], rotatedNotebooks: 1, keptNotebooks: 0 });
      expect(laptop.vault.ownDevices().map((d) => d.deviceId).sort()).toEqual([laptop.vault.deviceId, tablet.vault.deviceId].sort());

      createNote(onLaptop.doc, { title: 'after' });
      const later = laptop.vault.createNotebook('Made after the removal');
      await laptop.vault.flush();
      await until(onPhone.box, () => boxContains(onPhone.box, onLaptop.box), 20_000, 'the laptop\'s box on the phone');
      // Time for the vault doc to arrive too, wherever the laptop now writes it.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(titles(onPhone.doc), 'a note written after the removal').not.toContain('after');
      expect([...onPhone.sealed.quarantine.values()].some((q) => q.code === 'E_KEY_UNKNOWN')).toBe(true);
      expect(phone.vault.notebooks().map((nb) => nb.id), 'a notebook made after the removal').not.toContain(later);
      expect(phone.vault.handoverWaiting(), 'a handover the phone could open').toBe(false);

      const before = new Set(onPhone.box.getMap('entries').keys());
      createNote(onPhone.doc, { title: 'from-the-removed-phone' });
      await onPhone.flush();
      const byPhone = [...onPhone.box.getMap('entries').keys()].filter((key) => !before.has(key));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(titles(onLaptop.doc)).not.toContain('from-the-removed-phone');
      expect(byPhone.filter((key) => onLaptop.box.getMap('entries').has(key)), 'the relay took the phone\'s entries').toEqual([]);

      await handedOver;
      // The tablet: told a new key waits, it locks; its next unlock takes up the laptop's, no new link.
      await tablet.close();
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass');
      expect(tablet.vault.vaultReplica().roomId).toBe(laptop.vault.vaultReplica().roomId);
      await until(tablet.vault.doc, () => tablet.vault.notebooks().some((nb) => nb.id === later), 20_000, 'the later notebook on the tablet');
      const onTablet = await open(tablet, id);
      await until(onTablet.doc, () => titles(onTablet.doc).includes('after'), 20_000, 'after on the tablet');
      createNote(onTablet.doc, { title: 'from-the-tablet' });
      await onTablet.flush();
      await until(onLaptop.doc, () => titles(onLaptop.doc).includes('from-the-tablet'), 20_000, 'the tablet\'s note on the laptop');
      expect(titles(onLaptop.doc)).toEqual(['after', 'before', 'from-the-tablet']);
      expect(onTablet.sealed.quarantine.size).toBe(0);
      // Unlocked again, the tablet still is the person's device and the phone is not.
      expect(tablet.vault.ownDevices().map((d) => d.deviceId).sort()).toEqual([laptop.vault.deviceId, tablet.vault.deviceId].sort());
      expect(tablet.vault.recoveryKeyState()).toMatchObject({ shared: true });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(titles(onPhone.doc)).not.toContain('from-the-tablet');
    } finally {
      await Promise.all([laptop.close(), phone.close(), tablet.close()]);
    }
  });

  it('a note the tablet writes after the handover reached it (before it followed) is not readable by the removed phone: the tablet writes nothing more under the old key', async () => {
    let laptop = await newDevice(forwardingRelay.relayUrl, 'alice-laptop');
    const phone = await linkNewDevice(laptop, forwardingRelay.relayUrl, 'alice-phone');
    const tablet = await linkNewDevice(laptop, forwardingRelay.relayUrl, 'alice-tablet');
    try {
      const id = laptop.vault.createNotebook('Home');
      const onLaptop = await open(laptop, id);
      createNote(onLaptop.doc, { title: 'before' });
      await laptop.vault.flush();
      for (const device of [phone, tablet]) await until(device.vault.doc, () => device.vault.notebooks().some((nb) => nb.id === id), 20_000, 'Home on a linked device');
      const onPhone = await open(phone, id);
      const onTablet = await open(tablet, id);
      await until(onPhone.doc, () => titles(onPhone.doc).includes('before'), 20_000, 'before on the phone');
      await until(onTablet.doc, () => titles(onTablet.doc).includes('before'), 20_000, 'before on the tablet');
      const handedOver = new Promise<void>((resolve) => tablet.vault.onHandover(resolve));
      const removal = must(await laptop.vault.removeDevice(phone.vault.deviceId, PASS));
      expect(removal.handedTo).toEqual([tablet.vault.deviceId]);
      laptop.sync.stop();
      laptop = await startDevice(laptop.vault, laptop.services, relayOnly(forwardingRelay.relayUrl), 'alice-laptop');
      await handedOver;

      // The person keeps typing on the tablet for a moment (its screen is still open).
      createNote(onTablet.doc, { title: 'after-the-handover' });
      await onTablet.flush().catch(() => undefined);
      // The relay still carries the room to the phone.
      await until(onPhone.box, () => boxContains(onPhone.box, onLaptop.box), 20_000, 'the laptop\'s box on the phone');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(titles(onPhone.doc), 'the tablet\'s note after the handover, on the removed phone').not.toContain('after-the-handover');
    } finally {
      await Promise.all([laptop.close(), phone.close(), tablet.close()]);
    }
  });

  it('the thief, holding the removed phone unlocked, removes the laptop in turn and hands the tablet a key of its own: the tablet never takes the phone\'s key (it follows the laptop, or neither when it read the two revocations the other way round)', async () => {
    let laptop = await newDevice(relay.relayUrl, 'alice-laptop');
    let phone = await linkNew(laptop, 'alice-phone');
    let tablet = await linkNew(laptop, 'alice-tablet');
    try {
      await until(phone.vault.doc, () => phone.vault.ownDevices().length === 3, 20_000, 'three devices on the phone');
      await until(tablet.vault.doc, () => tablet.vault.ownDevices().length === 3, 20_000, 'three devices on the tablet');
      const oldRoom = tablet.vault.vaultReplica().roomId;
      // The tablet is away while both removals happen (online, it would lock at the first
      // handover and follow it at once): it finds both in the old room when it comes back.
      await tablet.close();
      laptop = (await removeFrom(laptop, phone.vault.deviceId)).device;
      await until(phone.vault.doc, () => isDeviceRevoked(phone.vault.doc, phone.vault.deviceId), 20_000, 'the revocation on the phone');
      const counter = await removeFrom(phone, laptop.vault.deviceId, 'alice-phone pass');
      phone = counter.device;
      expect(must(counter.removal).handedTo).toEqual([tablet.vault.deviceId]);
      for (const device of [laptop, phone]) for (const { box } of device.vault.retiredVaultReplicas()) await relayHolds(relay.relayUrl, oldRoom, box);
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass');
      const tabletBox = tablet.vault.vaultReplica().box;
      await until(tabletBox, () => vaultKeysMap(tabletBox).size >= 2, 20_000, 'both handovers on the tablet');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await tablet.close();
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass');
      // Which revocation the tablet applied first decides whether it follows the laptop or
      // stays (to be linked again); never the phone.
      expect([laptop.vault.vaultReplica().roomId, oldRoom]).toContain(tablet.vault.vaultReplica().roomId);
      expect(tablet.vault.vaultReplica().roomId).not.toBe(phone.vault.vaultReplica().roomId);
    } finally {
      await Promise.all([laptop.close(), phone.close(), tablet.close()]);
    }
  });

  it('a tablet the phone linked (approved through the phone only) keeps working when the laptop removes the phone', async () => {
    let laptop = await newDevice(relay.relayUrl, 'alice-laptop');
    const phone = await linkNew(laptop, 'alice-phone');
    let tablet = await linkNew(phone, 'alice-tablet');
    try {
      await until(laptop.vault.doc, () => laptop.vault.ownDevices().length === 3, 20_000, 'the tablet on the laptop');
      const handedOver = new Promise<void>((resolve) => tablet.vault.onHandover(resolve));
      const removed = await removeFrom(laptop, phone.vault.deviceId);
      laptop = removed.device;
      expect(must(removed.removal).handedTo).toEqual([tablet.vault.deviceId]);
      await handedOver;
      await tablet.close();
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass');
      expect(tablet.vault.vaultReplica().roomId).toBe(laptop.vault.vaultReplica().roomId);
      await until(laptop.vault.doc, () => laptop.vault.ownDevices().some((d) => d.deviceId === tablet.vault.deviceId && d.lastSeen !== undefined), 20_000, 'the tablet seen');
      expect(laptop.vault.ownDevices().map((d) => d.deviceId).sort()).toEqual([laptop.vault.deviceId, tablet.vault.deviceId].sort());
      expect(tablet.vault.ownDevices().map((d) => d.deviceId).sort()).toEqual([laptop.vault.deviceId, tablet.vault.deviceId].sort());
    } finally {
      await Promise.all([laptop.close(), phone.close(), tablet.close()]);
    }
  });

  it('E_DEVICE_UNKNOWN: removing this device, a device the vault does not list, or one removed already changes nothing', async () => {
    let laptop = await newDevice(relay.relayUrl, 'alice-laptop');
    const phone = await linkNew(laptop, 'alice-phone');
    try {
      const room = laptop.vault.vaultReplica().roomId;
      const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);
      expect(codeOf(await laptop.vault.removeDevice(laptop.vault.deviceId, PASS))).toBe('E_DEVICE_UNKNOWN');
      expect(codeOf(await laptop.vault.removeDevice('0'.repeat(32), PASS))).toBe('E_DEVICE_UNKNOWN');
      expect(laptop.vault.vaultReplica().roomId).toBe(room);
      expect(codeOf(await laptop.vault.removeDevice(phone.vault.deviceId, 'not the passphrase'))).toBe('E_PASSPHRASE');
      expect(laptop.vault.vaultReplica().roomId).toBe(room);
      const removed = await removeFrom(laptop, phone.vault.deviceId);
      laptop = removed.device;
      expect(must(removed.removal).handedTo).toEqual([]);
      expect(codeOf(await laptop.vault.removeDevice(phone.vault.deviceId, PASS))).toBe('E_DEVICE_UNKNOWN');
    } finally {
      await Promise.all([laptop.close(), phone.close()]);
    }
  });
});
