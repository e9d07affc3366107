import { describe, expect, it, vi } from 'vitest';
import { createNote } from '../../../sync/notebook/notes.ts';
import { readMember } from '../../../sync/share/members.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { homeNotebook, threeDevices } from './three-devices.ts';
import { boxContains, linkNewDevice, memoryServices, must, open, PASS, relayOnly, reopenDevice, startDevice, titles, until, type Device } from './vault-sync-harness.ts';

/**
 * Issue 18 §1, what was left of removing one device: the new vault key handed to the
 * remaining devices must reach them however late they come online, and a device that has
 * only its recovery key must follow too (sync/PROTOCOL.md "Removing one device").
 */
const relay = relayForSuite();

const linkNew = (from: Device, name: string): Promise<Device> => linkNewDevice(from, relay.relayUrl, name);

/** The handover reached `device`: it is waiting, or the vault locked itself on seeing it. */
const handoverSeen = (device: Device): boolean => device.vault.locked || device.vault.handover.waiting();

describe('removing one device: the handover (issue 18 §1)', () => {
  it('the removing device removes the phone offline and locks at once; days later the tablet comes online and the laptop is unlocked again: the handover reaches the tablet, it follows, and the laptop stops offering it once the tablet shows up under the new key', async () => {
    const three = await threeDevices(relay.relayUrl);
    let { laptop, tablet } = three;
    const { phone } = three;
    try {
      await vi.waitFor(() => expect(tablet.vault.devices.list()).toHaveLength(3), { timeout: 20_000 });
      await tablet.close();
      // Offline: the handover never leaves the laptop before it locks.
      laptop.sync.stop();
      const removal = must(await laptop.vault.removal.removeDevice(phone.vault.deviceId, PASS));
      expect(removal.handedTo).toEqual([tablet.vault.deviceId]);
      const newRoom = laptop.vault.replicas.vault().roomId;
      await laptop.close();
      await phone.close();

      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass');
      laptop = await reopenDevice(laptop.services, relay.relayUrl, 'alice-laptop');
      await vi.waitFor(() => expect(handoverSeen(tablet)).toBe(true), { timeout: 20_000 });
      expect(laptop.vault.removal.pendingHandovers()).toEqual([tablet.vault.deviceId]);
      await tablet.close();
      // The person keeps the laptop (the unlock asked: handover-choice.ts).
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass', laptop.vault.deviceId);
      expect(tablet.vault.replicas.vault().roomId).toBe(newRoom);

      // The tablet wrote under the new key: that is its acknowledgement.
      await vi.waitFor(() => expect(laptop.vault.removal.pendingHandovers()).toEqual([]), { timeout: 20_000 });
      expect(laptop.vault.replicas.retired()).toEqual([]);
      await laptop.close();
      laptop = await reopenDevice(laptop.services, relay.relayUrl, 'alice-laptop');
      expect(laptop.vault.removal.pendingHandovers()).toEqual([]);
      expect(laptop.vault.replicas.retired()).toEqual([]);
    } finally {
      await Promise.all([laptop.close(), phone.close(), tablet.close()]);
    }
  }, 120_000);

  it('a tablet unlocked with the recovery key while a handover waits follows it when given a new passphrase (E_HANDOVER_PASSPHRASE without one), and opens with that passphrase afterwards', async () => {
    const services = memoryServices();
    const created = await createVault(services, PASS);
    let laptop = await startDevice(created.vault, services, relayOnly(relay.relayUrl), 'alice-laptop');
    const phone = await linkNew(laptop, 'alice-phone');
    let tablet = await linkNew(laptop, 'alice-tablet');
    try {
      // The tablet holds the vault's recovery key in its header (one recovery key per vault).
      await vi.waitFor(() => expect(tablet.vault.secrets.recoveryKeyState()).toMatchObject({ shared: true, here: true }), { timeout: 20_000 });
      await vi.waitFor(() => expect(tablet.vault.devices.list()).toHaveLength(3), { timeout: 20_000 });
      must(await laptop.vault.removal.removeDevice(phone.vault.deviceId, PASS));
      laptop.sync.stop();
      laptop = await startDevice(laptop.vault, laptop.services, relayOnly(relay.relayUrl), 'alice-laptop');
      await vi.waitFor(() => expect(handoverSeen(tablet)).toBe(true), { timeout: 20_000 });
      await tablet.close();

      const asked = await unlockVault(tablet.services, { recoveryKey: created.recoveryKey });
      expect(asked.ok ? 'ok' : asked.error.code).toBe('E_HANDOVER_CHOICE');
      const keep = laptop.vault.deviceId;
      const without = await unlockVault(tablet.services, { recoveryKey: created.recoveryKey, keep });
      expect(without.ok ? 'ok' : without.error.code).toBe('E_HANDOVER_PASSPHRASE');
      const followed = must(await unlockVault(tablet.services, { recoveryKey: created.recoveryKey, newPassphrase: 'tablet pass after', keep }));
      expect(followed.replicas.vault().roomId).toBe(laptop.vault.replicas.vault().roomId);
      await followed.lock();
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'tablet pass after');
      expect(tablet.vault.replicas.vault().roomId).toBe(laptop.vault.replicas.vault().roomId);
    } finally {
      await Promise.all([laptop.close(), phone.close(), tablet.close()]);
    }
  }, 120_000);
});

describe('any of the person\'s devices removes a stolen one (issue 18 §1)', () => {
  it('a writer tablet (no owner grant) removes the phone: the laptop, owner of the notebook, follows the handover and rotates the notebook without the phone, so the phone reads nothing the laptop writes after', async () => {
    const three = await threeDevices(relay.relayUrl);
    let { laptop, tablet } = three;
    const { phone } = three;
    try {
      const home = await homeNotebook({ laptop, phone, tablet });
      const { id, onPhone } = home;
      let { onLaptop } = home;
      await vi.waitFor(() => expect(tablet.vault.devices.list()).toHaveLength(3), { timeout: 20_000 });

      const removal = must(await tablet.vault.removal.removeDevice(phone.vault.deviceId, 'alice-tablet pass'));
      expect(removal).toMatchObject({ handedTo: [laptop.vault.deviceId], rotatedNotebooks: 0, keptNotebooks: 1 });
      tablet.sync.stop();
      tablet = await startDevice(tablet.vault, tablet.services, relayOnly(relay.relayUrl), 'alice-tablet');
      await vi.waitFor(() => expect(handoverSeen(laptop)).toBe(true), { timeout: 20_000 });
      await laptop.close();
      laptop = await reopenDevice(laptop.services, relay.relayUrl, 'alice-laptop', PASS, tablet.vault.deviceId);
      expect(laptop.vault.replicas.vault().roomId).toBe(tablet.vault.replicas.vault().roomId);
      onLaptop = await open(laptop, id);
      expect(readMember(onLaptop.doc, phone.vault.deviceId)?.removedAt).toBeDefined();
      createNote(onLaptop.doc, { title: 'after' });
      await laptop.vault.flush();
      await until(onPhone.box, () => boxContains(onPhone.box, onLaptop.box), 20_000, 'the laptop\'s box on the phone');
      expect(titles(onPhone.doc)).not.toContain('after');
    } finally {
      await Promise.all([laptop.close(), phone.close(), tablet.close()]);
    }
  }, 120_000);
});
