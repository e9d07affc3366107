import { wipe, type VaultKey } from '../../crypto/index.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { deviceRecordKey, listDeviceRecords, openDeviceRecord, sealDeviceRecord } from './device-record.ts';
import { stagedKey } from './vault-rotation-journal.ts';
import { DEVICE_KEY, sealDeviceSeeds } from './vault-records.ts';

/**
 * A vault-key rotation's re-sealing of what this device keeps for itself: its key seeds and
 * every device record (app settings, imported models), read with the old key and written
 * with the new one, under staged keys (vault-rotation-journal.ts): the records under their
 * own names stay as they were until the new header is stored. A record that does not open
 * with the old key (damaged) is left where it is: nothing is removed that was not re-written.
 * Returns the names of the records re-sealed.
 */
export async function stageResealedDeviceRecords(storage: StorageAdapter, from: VaultKey, to: VaultKey, vaultId: string, seeds: Uint8Array): Promise<string[]> {
  await storage.save(stagedKey(DEVICE_KEY), sealDeviceSeeds(to, vaultId, seeds));
  const names: string[] = [];
  for (const { name, sealed } of await listDeviceRecords(storage)) {
    const opened = openDeviceRecord(from, vaultId, name, sealed);
    if (!opened.ok) continue;
    await storage.save(stagedKey(deviceRecordKey(name)), sealDeviceRecord(to, vaultId, name, opened.value));
    wipe(opened.value);
    names.push(name);
  }
  return names;
}
