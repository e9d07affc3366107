import {
  concatBytes,
  contentHash,
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

/**
 * The one way a header is stored: `next` only if the stored header is still `expected`
 * (undefined: there is none yet, a first run), read and written in one transaction. Note: each tab keeps the header it read at unlock and
 * derives a change from it; written back blindly, a stale tab's header would undo what
 * another tab stored since (a new recovery key, a passphrase, a rotated vault key), so the
 * old secret would open the vault again. Resolves false, writing nothing, when it changed.
 */
export async function replaceVaultHeader(storage: StorageAdapter, expected: VaultHeader | undefined, next: VaultHeader): Promise<boolean> {
  return storage.saveIf(HEADER_KEY, (current) => (current === undefined ? expected === undefined : expected !== undefined && holdsHeader(current, expected)), encodeVaultHeader(next));
}

/** Whether the stored header is `header` (same vault, same slots), read now. */
export async function isStoredVaultHeader(storage: StorageAdapter, header: VaultHeader): Promise<boolean> {
  const bytes = await storage.load(HEADER_KEY);
  return bytes !== undefined && holdsHeader(bytes, header);
}

/** A name for one header's contents, for telling other tabs which header was stored. */
export function vaultHeaderDigest(header: VaultHeader): string {
  return contentHash(encodeVaultHeader(header));
}

/** Compared field by field, not as bytes: the same header encoded another way is the same header. */
function holdsHeader(bytes: Uint8Array, header: VaultHeader): boolean {
  const stored = decodeVaultHeader(bytes);
  if (!stored.ok) return false;
  const a = stored.value;
  return (
    a.vaultId === header.vaultId &&
    a.passphrase.opslimit === header.passphrase.opslimit &&
    a.passphrase.memlimit === header.passphrase.memlimit &&
    sameBytes(a.passphrase.salt, header.passphrase.salt) &&
    sameBytes(a.passphrase.wrapped, header.passphrase.wrapped) &&
    sameBytes(a.recovery.wrapped, header.recovery.wrapped)
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
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
