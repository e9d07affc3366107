import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote } from '../../../sync/notebook/notes.ts';
import { beginDeviceLink, linkDevice } from '../../../sync/vault/link-device.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { memoryServices, must, newDevice, open, relayOnly, startDevice, titles, until, type Device } from '../vault-sync/vault-sync-harness.ts';

/**
 * Issue 18 §1: a stolen phone is removed from ONE of the person's devices, with the others
 * kept. Today the only removal short of "Rotate the vault key" (which signs out every other
 * device) is removing the phone from each notebook's members: the phone still holds the
 * vault key, so it reads the notebook's new key from the vault doc, every note written after,
 * and the notebooks made after.
 */
const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

const contains = (box: Y.Doc, source: Y.Doc): boolean => {
  const have = Y.decodeStateVector(Y.encodeStateVector(box));
  return [...Y.decodeStateVector(Y.encodeStateVector(source))].every(([client, clock]) => (have.get(client) ?? 0) >= clock);
};

async function linkNew(from: Device, name: string): Promise<Device> {
  const services = memoryServices();
  const request = beginDeviceLink(ORIGIN);
  const linked = must(await linkDevice(services, { responseLink: must(from.vault.answerDeviceLink(request.link, ORIGIN)).link, pending: request.pending, passphrase: `${name} pass` }));
  return startDevice(linked.vault, services, relayOnly(relay.relayUrl), name);
}

/** What the person can do today to remove one device: remove it from every notebook. */
async function removePhone(laptop: Device, phoneId: string): Promise<void> {
  for (const { id } of laptop.vault.notebooks()) must(await laptop.vault.removeMember(id, phoneId));
}

describe('attack: a removed own device (issue 18 §1)', () => {
  it('the removed phone reads nothing written after its removal, in the notebook or the vault doc, and what it writes is not accepted', async () => {
    const laptop = await newDevice(relay.relayUrl, 'alice-laptop');
    const phone = await linkNew(laptop, 'alice-phone');
    try {
      const id = laptop.vault.createNotebook('Home');
      const onLaptop = await open(laptop, id);
      createNote(onLaptop.doc, { title: 'before' });
      await laptop.vault.flush();
      await until(phone.vault.doc, () => phone.vault.notebooks().some((nb) => nb.id === id), 20_000, 'Home on the phone');
      const onPhone = await open(phone, id);
      await until(onPhone.doc, () => titles(onPhone.doc).includes('before'), 20_000, 'before on the phone');
      await until(onLaptop.doc, () => onLaptop.shared.plain.getMap('members').has(phone.vault.deviceId), 20_000, 'the phone a member');

      await removePhone(laptop, phone.vault.deviceId);

      createNote(onLaptop.doc, { title: 'after' });
      const later = laptop.vault.createNotebook('Made after the removal');
      await laptop.vault.flush();
      await until(onPhone.box, () => contains(onPhone.box, onLaptop.box), 20_000, 'the laptop\'s box on the phone');
      // Time for the vault doc to arrive too, wherever the laptop now writes it.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(titles(onPhone.doc), 'a note written after the removal').not.toContain('after');
      expect(phone.vault.notebooks().map((nb) => nb.id), 'a notebook made after the removal').not.toContain(later);

      const before = new Set(onPhone.box.getMap('entries').keys());
      createNote(onPhone.doc, { title: 'from-the-removed-phone' });
      await onPhone.flush();
      const byPhone = [...onPhone.box.getMap('entries').keys()].filter((key) => !before.has(key));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(titles(onLaptop.doc)).not.toContain('from-the-removed-phone');
      expect(byPhone.filter((key) => onLaptop.box.getMap('entries').has(key)), 'the relay took the phone\'s entries').toEqual([]);
    } finally {
      await Promise.all([laptop.close(), phone.close()]);
    }
  });
});
