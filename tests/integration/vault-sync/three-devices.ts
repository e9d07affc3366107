import { createNote } from '../../../sync/notebook/notes.ts';
import type { OpenNotebook } from '../../../sync/vault/notebook-registry.ts';
import { linkNewDevice, newDevice, open, titles, until, type Device } from './vault-sync-harness.ts';

/** The person's three devices of the removal tests: the phone is the one lost or stolen. */
export interface ThreeDevices {
  readonly laptop: Device;
  readonly phone: Device;
  readonly tablet: Device;
}

/**
 * A new vault on the laptop, the phone and the tablet linked from it (the tablet from the phone
 * with `tabletFrom: 'phone'`), syncing through `relayUrl` and named in the vault doc (passphrases
 * `alice-phone pass`, `alice-tablet pass`); resolves once the laptop lists all three by name.
 */
export async function threeDevices(relayUrl: string, options: { readonly tabletFrom?: 'laptop' | 'phone' } = {}): Promise<ThreeDevices> {
  const laptop = await newDevice(relayUrl, 'alice-laptop');
  const phone = await linkNewDevice(laptop, relayUrl, 'alice-phone');
  const tablet = await linkNewDevice(options.tabletFrom === 'phone' ? phone : laptop, relayUrl, 'alice-tablet');
  await until(laptop.vault.doc, () => listsThreeByName(laptop), 20_000, 'three named devices on the laptop');
  return { laptop, phone, tablet };
}

const listsThreeByName = (device: Device): boolean => device.vault.devices.list().length === 3 && device.vault.devices.list().every((d) => d.name !== undefined);

/** Each listing the other two by name (what a device shows when it asks which one to keep). */
export async function allListed({ laptop, phone, tablet }: ThreeDevices): Promise<void> {
  for (const device of [laptop, phone, tablet]) await until(device.vault.doc, () => listsThreeByName(device), 20_000, 'three named devices');
}

/** A notebook "Home" the laptop made, with a note "before" the phone has read; open on both. */
export async function homeNotebook({ laptop, phone, tablet }: ThreeDevices): Promise<{ id: string; onLaptop: OpenNotebook; onPhone: OpenNotebook }> {
  const id = laptop.vault.notebooks.create('Home');
  const onLaptop = await open(laptop, id);
  createNote(onLaptop.doc, { title: 'before' });
  await laptop.vault.flush();
  for (const device of [phone, tablet]) await until(device.vault.doc, () => device.vault.notebooks.list().some((nb) => nb.id === id), 20_000, 'Home on a linked device');
  const onPhone = await open(phone, id);
  await until(onPhone.doc, () => titles(onPhone.doc).includes('before'), 20_000, 'before on the phone');
  return { id, onLaptop, onPhone };
}

/** Locks the three, whichever of them is open now. */
export async function closeAll({ laptop, phone, tablet }: ThreeDevices): Promise<void> {
  await Promise.all([laptop.close(), phone.close(), tablet.close()]);
}
