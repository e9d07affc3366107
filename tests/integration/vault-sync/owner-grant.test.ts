import { describe, expect, it, vi } from 'vitest';
import { readMember } from '../../../sync/share/members.ts';
import { beginDeviceLink, linkDevice } from '../../../sync/vault/link-device.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { memoryServices, must, newDevice, open, relayOnly, startDevice, type Device } from './vault-sync-harness.ts';

/**
 * Issue 18 §1, "never grant owner automatically": a device of the person used to join every
 * notebook with the role of the device that added it, owner included. Now the device that
 * answers a link says whether the new device may be an owner (a grant it signs); without one
 * the new device is a writer ('member') wherever it is added.
 */
const relay = relayForSuite();
const ORIGIN = 'https://obscura.example';

async function linkFrom(from: Device, name: string, grantOwner: boolean): Promise<Device> {
  const services = memoryServices();
  const request = beginDeviceLink(ORIGIN);
  const answer = must(from.vault.devices.answerLink(request.link, ORIGIN, Date.now(), { grantOwner }));
  const linked = must(await linkDevice(services, { responseLink: answer.link, pending: request.pending, passphrase: `${name} pass` }));
  return startDevice(linked.vault, services, relayOnly(relay.relayUrl), name);
}

describe('own devices get owner only when the link grants it (issue 18 §1)', () => {
  it('a device linked without the owner grant joins the owner\'s notebooks as a writer; one linked with it, as an owner; neither can grant more than it has', async () => {
    const laptop = await newDevice(relay.relayUrl, 'alice-laptop');
    const id = laptop.vault.notebooks.create('Home');
    const onLaptop = await open(laptop, id);
    await laptop.vault.flush();
    const phone = await linkFrom(laptop, 'alice-phone', false);
    const tablet = await linkFrom(laptop, 'alice-tablet', true);
    try {
      await vi.waitFor(() => expect(readMember(onLaptop.doc, phone.vault.deviceId)?.role).toBe('member'), { timeout: 20_000 });
      await vi.waitFor(() => expect(readMember(onLaptop.doc, tablet.vault.deviceId)?.role).toBe('owner'), { timeout: 20_000 });

      // The writer phone links a reader and asks to make it an owner: it has no owner role to give.
      const reader = await linkFrom(phone, 'alice-reader', true);
      try {
        await vi.waitFor(() => expect(readMember(onLaptop.doc, reader.vault.deviceId)).toBeDefined(), { timeout: 20_000 });
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(readMember(onLaptop.doc, reader.vault.deviceId)?.role).toBe('member');
      } finally {
        await reader.close();
      }
    } finally {
      await Promise.all([laptop.close(), phone.close(), tablet.close()]);
    }
  }, 90_000);
});
