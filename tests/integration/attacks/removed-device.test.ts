import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote } from '../../../sync/notebook/notes.ts';
import { isDeviceRevoked } from '../../../sync/vault-doc/device-revocations.ts';
import { deviceFingerprint, handoverChoiceIn } from '../../../sync/vault/handover-choice.ts';
import { vaultKeysMap } from '../../../sync/vault/vault-key-handover.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import { vaultBoxName } from '../../../sync/vault/vault-rotation-journal.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { allListed, closeAll, homeNotebook, threeDevices } from '../vault-sync/three-devices.ts';
import { boxContains, linkNewDevice, must, newDevice, open, PASS, relayOnly, relayHolds, reopenDevice, startDevice, titles, until, type Device } from '../vault-sync/vault-sync-harness.ts';

/**
 * Issue 18 §1: a stolen phone is removed from ONE of the person's devices, with the others
 * kept. Removing it from each notebook's members was not enough: the phone still held the
 * vault key, so it read the notebook's new key from the vault doc, every note written after,
 * and the notebooks made after. vault.removal.removeDevice replaces the vault key too and hands the
 * new one to the remaining devices only.
 */
const relay = relayForSuite();
/**
 * A room that forwards whatever a member's peer sends, as a WebRTC peer does: the relay's write
 * capability (which follows the notebook's current key) would otherwise hold back the entries
 * a device still on the old key writes, and hide what peer-to-peer sync delivers.
 */
const forwardingRelay = relayForSuite({ requireWriteCapability: false });

/** The question an E_HANDOVER_CHOICE unlock carries, as "<by> removed <removed>" lines. */
function removalsAsked(result: Awaited<ReturnType<typeof unlockVault>>): string[] {
  if (result.ok) return [];
  const { choice } = result.error as { choice?: { removals: { by: { name?: string }; removed: { name?: string }[] }[] } };
  return (choice?.removals ?? []).map((r) => `${r.by.name} removed ${r.removed.map((d) => d.name).join(', ')}`).sort();
}

/** The state vector of `device`'s stored vault box (locked: nobody holds it open). */
async function storedVaultBox(device: Device): Promise<Map<number, number>> {
  const doc = new Y.Doc();
  const handle = await device.services.boxes.open(vaultBoxName(device.vault.vaultId), doc);
  await handle.close();
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

const linkNew = (from: Device, name: string): Promise<Device> => linkNewDevice(from, relay.relayUrl, name);

/** The app's part: sync stops for the removal and starts again after it. */
async function removeFrom(device: Device, deviceId: string, passphrase = PASS): Promise<{ device: Device; removal: Awaited<ReturnType<Device['vault']['removal']['removeDevice']>> }> {
  const removal = await device.vault.removal.removeDevice(deviceId, passphrase);
  device.sync.stop();
  return { device: await startDevice(device.vault, device.services, relayOnly(relay.relayUrl), 'a device'), removal };
}

describe('attack: a removed own device (issue 18 §1)', () => {
  it('the removed phone reads nothing written after its removal, in the notebook or the vault doc, and what it writes is not accepted; the tablet takes up the new key at its next unlock and keeps syncing', async () => {
    const three = await threeDevices(relay.relayUrl);
    let { laptop, tablet } = three;
    const { phone } = three;
    try {
      const { id, onLaptop, onPhone } = await homeNotebook({ laptop, phone, tablet });
      await until(onLaptop.doc, () => [phone, tablet].every((d) => onLaptop.shared.plain.getMap('members').has(d.vault.deviceId)), 20_000, 'phone and tablet members');

      const handedOver = new Promise<void>((resolve) => tablet.vault.handover.onArrival(resolve));
      const removed = await removeFrom(laptop, phone.vault.deviceId);
      laptop = removed.device;
      expect(must(removed.removal)).toMatchObject({ signedOut: [phone.vault.deviceId], handedTo: [tablet.vault.deviceId], rotatedNotebooks: 1, keptNotebooks: 0 });
      expect(laptop.vault.devices.list().map((d) => d.deviceId).sort()).toEqual([laptop.vault.deviceId, tablet.vault.deviceId].sort());

      createNote(onLaptop.doc, { title: 'after' });
      const later = laptop.vault.notebooks.create('Made after the removal');
      await laptop.vault.flush();
      await until(onPhone.box, () => boxContains(onPhone.box, onLaptop.box), 20_000, 'the laptop\'s box on the phone');
      // Time for the vault doc to arrive too, wherever the laptop now writes it.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(titles(onPhone.doc), 'a note written after the removal').not.toContain('after');
      expect([...onPhone.sealed.quarantine.values()].some((q) => q.code === 'E_KEY_UNKNOWN')).toBe(true);
      expect(phone.vault.notebooks.list().map((nb) => nb.id), 'a notebook made after the removal').not.toContain(later);
      expect(phone.vault.handover.waiting(), 'a handover the phone could open').toBe(false);

      const before = new Set(onPhone.box.getMap('entries').keys());
      createNote(onPhone.doc, { title: 'from-the-removed-phone' });
      await onPhone.flush();
      const byPhone = [...onPhone.box.getMap('entries').keys()].filter((key) => !before.has(key));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(titles(onLaptop.doc)).not.toContain('from-the-removed-phone');
      expect(byPhone.filter((key) => onLaptop.box.getMap('entries').has(key)), 'the relay took the phone\'s entries').toEqual([]);

      await handedOver;
      // The tablet: told a new key waits, it locks; its next unlock asks which device to keep
      // (one question), and keeping the laptop takes up the laptop's key, no new link.
      await tablet.close();
      const asked = await unlockVault(tablet.services, { passphrase: 'alice-tablet pass' });
      expect(removalsAsked(asked)).toEqual(['alice-laptop removed alice-phone']);
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass', laptop.vault.deviceId);
      expect(tablet.vault.replicas.vault().roomId).toBe(laptop.vault.replicas.vault().roomId);
      await until(tablet.vault.doc, () => tablet.vault.notebooks.list().some((nb) => nb.id === later), 20_000, 'the later notebook on the tablet');
      const onTablet = await open(tablet, id);
      await until(onTablet.doc, () => titles(onTablet.doc).includes('after'), 20_000, 'after on the tablet');
      createNote(onTablet.doc, { title: 'from-the-tablet' });
      await onTablet.flush();
      await until(onLaptop.doc, () => titles(onLaptop.doc).includes('from-the-tablet'), 20_000, 'the tablet\'s note on the laptop');
      expect(titles(onLaptop.doc)).toEqual(['after', 'before', 'from-the-tablet']);
      expect(onTablet.sealed.quarantine.size).toBe(0);
      // Unlocked again, the tablet still is the person's device and the phone is not.
      expect(tablet.vault.devices.list().map((d) => d.deviceId).sort()).toEqual([laptop.vault.deviceId, tablet.vault.deviceId].sort());
      expect(tablet.vault.secrets.recoveryKeyState()).toMatchObject({ shared: true });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(titles(onPhone.doc)).not.toContain('from-the-tablet');
    } finally {
      await closeAll({ laptop, phone, tablet });
    }
  });

  it('a note the tablet writes after the handover reached it (before it followed) is not readable by the removed phone: the tablet writes nothing more under the old key', async () => {
    const three = await threeDevices(forwardingRelay.relayUrl);
    let { laptop } = three;
    const { phone, tablet } = three;
    try {
      const { id, onLaptop, onPhone } = await homeNotebook({ laptop, phone, tablet });
      const onTablet = await open(tablet, id);
      await until(onTablet.doc, () => titles(onTablet.doc).includes('before'), 20_000, 'before on the tablet');
      const handedOver = new Promise<void>((resolve) => tablet.vault.handover.onArrival(resolve));
      const removal = must(await laptop.vault.removal.removeDevice(phone.vault.deviceId, PASS));
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
      await closeAll({ laptop, phone, tablet });
    }
  });

  it('the thief, holding the removed phone unlocked, removes the laptop in turn and hands the tablet a key of its own: the tablet, finding both, never picks: it asks which device to keep (review F2: it stayed on the old key and wrote under it), and keeping the laptop follows the laptop', async () => {
    let { laptop, phone, tablet } = await threeDevices(relay.relayUrl);
    try {
      await allListed({ laptop, phone, tablet });
      const oldRoom = tablet.vault.replicas.vault().roomId;
      // The tablet is away while both removals happen: it finds both in the old room when it comes back.
      await tablet.close();
      laptop = (await removeFrom(laptop, phone.vault.deviceId)).device;
      await until(phone.vault.doc, () => isDeviceRevoked(phone.vault.doc, phone.vault.deviceId), 20_000, 'the revocation on the phone');
      const counter = await removeFrom(phone, laptop.vault.deviceId, 'alice-phone pass');
      phone = counter.device;
      expect(must(counter.removal).handedTo).toEqual([tablet.vault.deviceId]);
      for (const device of [laptop, phone]) for (const { box } of device.vault.replicas.retired()) await relayHolds(relay.relayUrl, oldRoom, box);
      const back = await unlockVault(tablet.services, { passphrase: 'alice-tablet pass' });
      expect(back.ok, 'no handover in the tablet\'s own box yet').toBe(true);
      if (!back.ok) return;
      tablet = await startDevice(back.value, tablet.services, relayOnly(relay.relayUrl), 'alice-tablet');
      const tabletBox = tablet.vault.replicas.vault().box;
      await until(tabletBox, () => vaultKeysMap(tabletBox).size >= 2, 20_000, 'both handovers on the tablet');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await tablet.close();
      // Reopened with both revocations and both handovers in its box, in whichever order it
      // applies them: the person is asked, and the laptop's removal of the phone is in the question.
      const before = await storedVaultBox(tablet);
      const asked = await unlockVault(tablet.services, { passphrase: 'alice-tablet pass' });
      expect(asked.ok ? 'unlocked' : asked.error.code, 'the tablet asks which device to keep').toBe('E_HANDOVER_CHOICE');
      expect(removalsAsked(asked)).toContain('alice-laptop removed alice-phone');
      // Asking, it wrote nothing under the old key (its last-seen time, say), which the phone reads.
      expect(await storedVaultBox(tablet), 'the tablet\'s vault box after it asked').toEqual(before);
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass', laptop.vault.deviceId);
      expect(tablet.vault.replicas.vault().roomId).toBe(laptop.vault.replicas.vault().roomId);
      expect(tablet.vault.replicas.vault().roomId).not.toBe(oldRoom);
      await until(laptop.vault.doc, () => laptop.vault.devices.list().some((d) => d.deviceId === tablet.vault.deviceId && d.lastSeen !== undefined), 20_000, 'the tablet seen');
      expect(tablet.vault.devices.list().map((d) => d.deviceId).sort()).toEqual([laptop.vault.deviceId, tablet.vault.deviceId].sort());
    } finally {
      await closeAll({ laptop, phone, tablet });
    }
  });

  it('before the laptop\'s removal of the phone reaches the tablet, the phone removes the laptop: the tablet does not follow the phone (review F3); it asks, the person keeps the laptop, and the tablet follows the laptop once its handover arrives, without asking again', async () => {
    let { laptop, phone, tablet } = await threeDevices(relay.relayUrl);
    try {
      await allListed({ laptop, phone, tablet });
      const oldRoom = tablet.vault.replicas.vault().roomId;
      // The laptop removes the phone offline and stays away (the durable handover waits on it).
      laptop.sync.stop();
      must(await laptop.vault.removal.removeDevice(phone.vault.deviceId, PASS));
      // The thief, unaware, removes the laptop from the phone; the tablet is online.
      const handedOver = new Promise<void>((resolve) => tablet.vault.handover.onArrival(resolve));
      phone = (await removeFrom(phone, laptop.vault.deviceId, 'alice-phone pass')).device;
      await handedOver;
      await tablet.close();
      const asked = await unlockVault(tablet.services, { passphrase: 'alice-tablet pass' });
      expect(asked.ok ? 'unlocked' : asked.error.code, 'the tablet asks before following the phone').toBe('E_HANDOVER_CHOICE');
      expect(removalsAsked(asked)).toEqual(['alice-phone removed alice-laptop']);
      // Keeping this device, or one the vault doc does not list, answers nothing.
      for (const keep of [tablet.vault.deviceId, '0'.repeat(32)]) {
        const wrong = await unlockVault(tablet.services, { passphrase: 'alice-tablet pass', keep });
        expect(wrong.ok ? 'unlocked' : wrong.error.code).toBe('E_DEVICE_UNKNOWN');
      }
      // The person keeps the laptop: the phone's handover is refused, and stays refused.
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass', laptop.vault.deviceId);
      expect(tablet.vault.replicas.vault().roomId).toBe(oldRoom);
      expect(tablet.vault.handover.waiting()).toBe(false);
      // The laptop comes back: its handover reaches the tablet, which stops and locks ...
      const fromLaptop = new Promise<void>((resolve) => tablet.vault.handover.onArrival(resolve));
      laptop = await startDevice(laptop.vault, laptop.services, relayOnly(relay.relayUrl), 'alice-laptop');
      await fromLaptop;
      await tablet.close();
      // ... and follows it at the next unlock: the person chose the laptop already.
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass');
      expect(tablet.vault.replicas.vault().roomId).toBe(laptop.vault.replicas.vault().roomId);
      expect(tablet.vault.replicas.vault().roomId).not.toBe(phone.vault.replicas.vault().roomId);
      await until(laptop.vault.doc, () => laptop.vault.devices.list().some((d) => d.deviceId === tablet.vault.deviceId && d.lastSeen !== undefined), 20_000, 'the tablet seen on the laptop');
      await until(tablet.vault.doc, () => tablet.vault.devices.list().some((d) => d.deviceId === laptop.vault.deviceId), 20_000, 'the laptop listed on the tablet');
      expect(tablet.vault.devices.list().map((d) => d.deviceId).sort()).toEqual([laptop.vault.deviceId, tablet.vault.deviceId].sort());
    } finally {
      await closeAll({ laptop, phone, tablet });
    }
  });

  it('the answer "keep the laptop" holds for that removal only (review 3): the laptop\'s NEXT handover, weeks later, is asked about again, not followed silently', async () => {
    const three = await threeDevices(relay.relayUrl);
    const { phone } = three;
    let { laptop, tablet } = three;
    let phone2: Device | undefined;
    try {
      await allListed({ laptop, phone, tablet });
      const handedOver = new Promise<void>((resolve) => tablet.vault.handover.onArrival(resolve));
      laptop = (await removeFrom(laptop, phone.vault.deviceId)).device;
      await handedOver;
      await tablet.close();
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass', laptop.vault.deviceId);
      expect(tablet.vault.replicas.vault().roomId).toBe(laptop.vault.replicas.vault().roomId);
      // Weeks later: a new phone; then the laptop (now the stolen one, say) removes it.
      phone2 = await linkNew(laptop, 'alice-phone2');
      const p2 = phone2;
      await until(tablet.vault.doc, () => tablet.vault.devices.list().some((d) => d.deviceId === p2.vault.deviceId), 20_000, 'the new phone on the tablet');
      const second = new Promise<void>((resolve) => tablet.vault.handover.onArrival(resolve));
      laptop = (await removeFrom(laptop, phone2.vault.deviceId)).device;
      await second;
      await tablet.close();
      const again = await unlockVault(tablet.services, { passphrase: 'alice-tablet pass' });
      if (again.ok) await again.value.lock();
      expect(again.ok ? 'unlocked, followed without asking' : again.error.code).toBe('E_HANDOVER_CHOICE');
      // Every removal the laptop signed, the earlier one included.
      expect(removalsAsked(again)).toEqual(['alice-laptop removed alice-phone, alice-phone2']);
    } finally {
      await closeAll({ laptop, phone, tablet });
      await phone2?.close();
    }
  });

  it('the thief links a device of its own from the stolen phone and names it like the laptop (review-keep 1, script C): the question shows each device\'s code and says two devices share that name', async () => {
    const { laptop, phone, tablet } = await threeDevices(relay.relayUrl);
    let fake: Device | undefined;
    try {
      await allListed({ laptop, phone, tablet });
      fake = await linkNew(phone, 'alice-laptop');
      const f = fake;
      f.vault.devices.setName('alice-laptop');
      await until(tablet.vault.doc, () => tablet.vault.devices.list().some((d) => d.deviceId === f.vault.deviceId && d.name === 'alice-laptop'), 20_000, 'the fake device named on the tablet');
      const handedOver = new Promise<void>((resolve) => tablet.vault.handover.onArrival(resolve));
      must(await fake.vault.removal.removeDevice(phone.vault.deviceId, 'alice-laptop pass'));
      fake.sync.stop();
      fake = await startDevice(fake.vault, fake.services, relayOnly(relay.relayUrl), 'alice-laptop');
      await handedOver;
      await tablet.close();
      const asked = await unlockVault(tablet.services, { passphrase: 'alice-tablet pass' });
      expect(asked.ok ? 'unlocked' : asked.error.code).toBe('E_HANDOVER_CHOICE');
      const choice = asked.ok ? undefined : handoverChoiceIn(asked.error);
      const by = choice?.removals[0]?.by;
      expect(by?.deviceId).toBe(fake.vault.deviceId);
      // The code the fake device's Settings shows, not the laptop's; and the name is flagged.
      expect(by?.fingerprint).toBe(deviceFingerprint(fake.vault.deviceId));
      expect(by?.fingerprint).not.toBe(deviceFingerprint(laptop.vault.deviceId));
      expect(by?.nameShared).toBe(true);
      const message = asked.ok ? '' : asked.error.message;
      expect(message).toContain(deviceFingerprint(fake.vault.deviceId));
      expect(message).toContain('Two of your devices are named alice-laptop');
    } finally {
      await closeAll({ laptop, phone, tablet });
      await fake?.close();
    }
  });

  it('once the person kept the laptop, a device the thief linked from the refused phone is not the person\'s on a tablet the phone linked: not listed, and what it writes into the vault doc is refused (review-keep 4, script D2)', async () => {
    const three = await threeDevices(relay.relayUrl, { tabletFrom: 'phone' });
    const { laptop } = three;
    let { phone, tablet } = three;
    let extra: Device | undefined;
    try {
      await allListed({ laptop, phone, tablet });
      extra = await linkNew(phone, 'thief-extra');
      const x = extra;
      await until(x.vault.doc, () => x.vault.devices.list().length === 4, 20_000, 'the extra device lists all');
      await until(tablet.vault.doc, () => tablet.vault.devices.list().some((d) => d.deviceId === x.vault.deviceId), 20_000, 'the extra device on the tablet');
      laptop.sync.stop();
      must(await laptop.vault.removal.removeDevice(phone.vault.deviceId, PASS));
      const handedOver = new Promise<void>((resolve) => tablet.vault.handover.onArrival(resolve));
      phone = (await removeFrom(phone, laptop.vault.deviceId, 'alice-phone pass')).device;
      await handedOver;
      await tablet.close();
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass', laptop.vault.deviceId);
      // (The laptop is not listed either until its handover arrives: the phone's revocation of it is here.)
      const listed = tablet.vault.devices.list().map((d) => d.deviceId);
      expect(listed).not.toContain(phone.vault.deviceId);
      expect(listed).not.toContain(x.vault.deviceId);
      // Modified code on the thief's device: a plain vault-doc write under the old key.
      const before = tablet.vault.quarantined;
      x.vault.doc.getMap('thief').set('marker', 'written by the thief');
      await x.vault.flush();
      const t = tablet;
      await until(t.vault.replicas.vault().box, () => t.vault.quarantined > before || t.vault.doc.getMap('thief').has('marker'), 20_000, 'the thief\'s write on the tablet');
      expect(t.vault.doc.getMap('thief').has('marker')).toBe(false);
    } finally {
      await closeAll({ laptop, phone, tablet });
      await extra?.close();
    }
  });

  /**
   * OPEN (review-keep 2), not fixed on branch `keepfix`: `it.fails` passes while the attack
   * works and fails once it stops working; whoever fixes it makes it an ordinary test. Dropping
   * every entry of a device a revocation in the same batch names was tried and is wrong: it
   * drops what the phone wrote BEFORE its removal too (a device listing it made, the revocation
   * of the laptop in F2), and two devices that removed each other drop each other. It needs the
   * entries after the removal told apart (say, the revocation naming the last entry of the
   * removed device that the remover applied).
   */
  it.fails('OPEN: what the removed phone writes into the vault doc after its removal is not applied on the tablet, which reads the removal and those writes together at its next unlock, nor carried under the new key (review-keep 2)', async () => {
    const three = await threeDevices(relay.relayUrl);
    const { phone } = three;
    let { laptop, tablet } = three;
    try {
      await allListed(three);
      const oldRoom = tablet.vault.replicas.vault().roomId;
      await tablet.close();
      laptop = (await removeFrom(laptop, phone.vault.deviceId)).device;
      await until(phone.vault.doc, () => isDeviceRevoked(phone.vault.doc, phone.vault.deviceId), 20_000, 'the revocation on the phone');
      // Modified code on the removed phone: a plain vault-doc write under the old key, after its removal.
      phone.vault.doc.getMap('thief').set('marker', 'written after the removal');
      await phone.vault.flush();
      await relayHolds(relay.relayUrl, oldRoom, phone.vault.replicas.vault().box);
      for (const { box } of laptop.vault.replicas.retired()) await relayHolds(relay.relayUrl, oldRoom, box);
      // The tablet syncs the old room (handover, revocation and the phone's write), locks, and opens again.
      const back = must(await unlockVault(tablet.services, { passphrase: 'alice-tablet pass' }));
      const handedOver = new Promise<void>((resolve) => back.handover.onArrival(resolve));
      tablet = await startDevice(back, tablet.services, relayOnly(relay.relayUrl), 'alice-tablet');
      await handedOver;
      await tablet.close();
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass', laptop.vault.deviceId);
      expect(tablet.vault.replicas.vault().roomId).toBe(laptop.vault.replicas.vault().roomId);
      expect(tablet.vault.doc.getMap('thief').has('marker')).toBe(false);
    } finally {
      await closeAll({ laptop, phone, tablet });
    }
  });

  it('a tablet the phone linked (approved through the phone only) keeps working when the laptop removes the phone', async () => {
    const three = await threeDevices(relay.relayUrl, { tabletFrom: 'phone' });
    let { laptop, tablet } = three;
    const { phone } = three;
    try {
      const handedOver = new Promise<void>((resolve) => tablet.vault.handover.onArrival(resolve));
      const removed = await removeFrom(laptop, phone.vault.deviceId);
      laptop = removed.device;
      expect(must(removed.removal).handedTo).toEqual([tablet.vault.deviceId]);
      await handedOver;
      await tablet.close();
      tablet = await reopenDevice(tablet.services, relay.relayUrl, 'alice-tablet', 'alice-tablet pass', laptop.vault.deviceId);
      expect(tablet.vault.replicas.vault().roomId).toBe(laptop.vault.replicas.vault().roomId);
      await until(laptop.vault.doc, () => laptop.vault.devices.list().some((d) => d.deviceId === tablet.vault.deviceId && d.lastSeen !== undefined), 20_000, 'the tablet seen');
      expect(laptop.vault.devices.list().map((d) => d.deviceId).sort()).toEqual([laptop.vault.deviceId, tablet.vault.deviceId].sort());
      expect(tablet.vault.devices.list().map((d) => d.deviceId).sort()).toEqual([laptop.vault.deviceId, tablet.vault.deviceId].sort());
    } finally {
      await closeAll({ laptop, phone, tablet });
    }
  });

  it('E_DEVICE_UNKNOWN: removing this device, a device the vault does not list, or one removed already changes nothing', async () => {
    let laptop = await newDevice(relay.relayUrl, 'alice-laptop');
    const phone = await linkNew(laptop, 'alice-phone');
    try {
      const room = laptop.vault.replicas.vault().roomId;
      const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);
      expect(codeOf(await laptop.vault.removal.removeDevice(laptop.vault.deviceId, PASS))).toBe('E_DEVICE_UNKNOWN');
      expect(codeOf(await laptop.vault.removal.removeDevice('0'.repeat(32), PASS))).toBe('E_DEVICE_UNKNOWN');
      expect(laptop.vault.replicas.vault().roomId).toBe(room);
      expect(codeOf(await laptop.vault.removal.removeDevice(phone.vault.deviceId, 'not the passphrase'))).toBe('E_PASSPHRASE');
      expect(laptop.vault.replicas.vault().roomId).toBe(room);
      const removed = await removeFrom(laptop, phone.vault.deviceId);
      laptop = removed.device;
      expect(must(removed.removal).handedTo).toEqual([]);
      expect(codeOf(await laptop.vault.removal.removeDevice(phone.vault.deviceId, PASS))).toBe('E_DEVICE_UNKNOWN');
    } finally {
      await Promise.all([laptop.close(), phone.close()]);
    }
  });
});
