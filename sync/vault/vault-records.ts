import {
  concatBytes,
  decodeVaultHeader,
  encodeVaultHeader,
  lengthPrefixed,
  signingKeyPairFromSeed,
  boxKeyPairFromSeed,
  utf8,
  type BoxKeyPair,
  type Result,
  type SigningKeyPair,
  type VaultHeader,
  type VaultKey,
} from '../../crypto/index.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { openVaultRecord, sealVaultRecord } from './vault-sealed-record.ts';

/**
 * What a device keeps outside the sealed vault doc: the wrapped vault key (header) and
 * its own key seeds, sealed under the vault key. Nothing here is readable without it.
 */
const HEADER_KEY = ['vault', 'header'];
export const DEVICE_KEY: readonly string[] = ['vault', 'device'];
const SEED_BYTES = 32;

export interface DeviceKeys {
  readonly signing: SigningKeyPair;
  readonly box: BoxKeyPair;
  /** Kept so lock can wipe them; the key pairs are derived from them. */
  readonly seeds: Uint8Array;
}

export async function loadVaultHeader(storage: StorageAdapter): Promise<Result<VaultHeader> | undefined> {
  const bytes = await storage.load(HEADER_KEY);
  return bytes ? decodeVaultHeader(bytes) : undefined;
}

export async function saveVaultHeader(storage: StorageAdapter, header: VaultHeader): Promise<void> {
  await storage.save(HEADER_KEY, encodeVaultHeader(header));
}

function deviceAd(vaultId: string): Uint8Array {
  return concatBytes(lengthPrefixed(utf8('obscura/device-keys/v1')), lengthPrefixed(utf8(vaultId)));
}

export function deviceKeysFromSeeds(seeds: Uint8Array): DeviceKeys {
  return {
    signing: signingKeyPairFromSeed(seeds.subarray(0, SEED_BYTES)),
    box: boxKeyPairFromSeed(seeds.subarray(SEED_BYTES, 2 * SEED_BYTES)),
    seeds,
  };
}

const SEEDS_SUBKEY = 'obscura/device-keys/v2';

export function sealDeviceSeeds(vaultKey: VaultKey, vaultId: string, seeds: Uint8Array): Uint8Array {
  return sealVaultRecord(vaultKey, SEEDS_SUBKEY, deviceAd(vaultId), seeds);
}

export async function saveDeviceSeeds(storage: StorageAdapter, vaultKey: VaultKey, vaultId: string, seeds: Uint8Array): Promise<void> {
  await storage.save(DEVICE_KEY, sealDeviceSeeds(vaultKey, vaultId, seeds));
}

export async function loadDeviceKeys(storage: StorageAdapter, vaultKey: VaultKey, vaultId: string): Promise<Result<DeviceKeys> | undefined> {
  const sealed = await storage.load(DEVICE_KEY);
  if (!sealed) return undefined;
  const seeds = openVaultRecord(vaultKey, SEEDS_SUBKEY, deviceAd(vaultId), sealed);
  if (!seeds.ok) return seeds;
  if (seeds.value.length !== 2 * SEED_BYTES) return { ok: false, error: { code: 'E_FORMAT', message: 'device key record has the wrong size' } };
  return { ok: true, value: deviceKeysFromSeeds(seeds.value) };
}
