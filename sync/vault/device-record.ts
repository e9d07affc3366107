import { concatBytes, lengthPrefixed, utf8, type Result, type VaultKey } from '../../crypto/index.ts';
import type { StorageAdapter, StorageKey } from '../storage/storage-adapter.ts';
import { openVaultRecord, sealVaultRecord } from './vault-sealed-record.ts';

/**
 * A record only this device keeps (e.g. its app settings), sealed under the vault key. It
 * is not in the vault doc because it must not follow the person to their other devices.
 * The AD binds vault and record name, so one record cannot be swapped for another.
 */
const PREFIX = 'device-record';
const SUBKEY = 'obscura/device-record/v2';

function recordAd(vaultId: string, name: string): Uint8Array {
  return concatBytes(lengthPrefixed(utf8('obscura/device-record/v1')), lengthPrefixed(utf8(vaultId)), lengthPrefixed(utf8(name)));
}

export function deviceRecordKey(name: string): StorageKey {
  return [PREFIX, name];
}

export function sealDeviceRecord(vaultKey: VaultKey, vaultId: string, name: string, bytes: Uint8Array): Uint8Array {
  return sealVaultRecord(vaultKey, SUBKEY, recordAd(vaultId, name), bytes);
}

export function openDeviceRecord(vaultKey: VaultKey, vaultId: string, name: string, sealed: Uint8Array): Result<Uint8Array> {
  return openVaultRecord(vaultKey, SUBKEY, recordAd(vaultId, name), sealed);
}

export async function saveDeviceRecord(storage: StorageAdapter, vaultKey: VaultKey, vaultId: string, name: string, bytes: Uint8Array): Promise<void> {
  await storage.save(deviceRecordKey(name), sealDeviceRecord(vaultKey, vaultId, name, bytes));
}

/** Every stored record, by name, still sealed. */
export async function listDeviceRecords(storage: StorageAdapter): Promise<{ name: string; sealed: Uint8Array }[]> {
  const chunks = await storage.loadRange([PREFIX]);
  return chunks.flatMap(({ key, data }) => (key.length === 2 && typeof key[1] === 'string' ? [{ name: key[1], sealed: data }] : []));
}

/** undefined when there is none; E_DECRYPT (or similar) when it does not open under this vault's key. */
export async function loadDeviceRecord(storage: StorageAdapter, vaultKey: VaultKey, vaultId: string, name: string): Promise<Result<Uint8Array> | undefined> {
  const sealed = await storage.load(deviceRecordKey(name));
  return sealed ? openDeviceRecord(vaultKey, vaultId, name, sealed) : undefined;
}

export async function removeDeviceRecord(storage: StorageAdapter, name: string): Promise<void> {
  await storage.remove(deviceRecordKey(name));
}
