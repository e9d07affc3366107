import { concatBytes, lengthPrefixed, u32be, utf8 } from './encoding.ts';
import { deriveSubkey } from './hash.ts';
import { wipe, type VaultKey } from './keys.ts';
import { mac, verifyMac } from './mac.ts';

/**
 * The backup's seal (sync/PROTOCOL.md "Encrypted backup", format 2): a MAC over the END
 * marker's section count and chain hash, under a subkey of the vault key. The chain hash
 * covers every section's hash in order, so the seal covers every byte of every section;
 * anyone can recompute the unkeyed hashes after dropping or swapping a section, only a
 * holder of the vault key can seal the result. Checked once the secret opened the header.
 */
export const BACKUP_SEAL_PURPOSE = 'obscura/backup-seal/v1';
const DOMAIN = lengthPrefixed(utf8('obscura/backup/v2'));

function sealMessage(count: number, chain: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN, u32be(count), chain);
}

/** The seal of a backup with `count` sections whose hashes chain to `chain`. */
export function sealBackup(vaultKey: VaultKey, count: number, chain: Uint8Array): Uint8Array {
  const key = deriveSubkey(vaultKey, BACKUP_SEAL_PURPOSE);
  try {
    return mac(key, sealMessage(count, chain));
  } finally {
    wipe(key);
  }
}

export function verifyBackupSeal(vaultKey: VaultKey, count: number, chain: Uint8Array, seal: Uint8Array): boolean {
  const key = deriveSubkey(vaultKey, BACKUP_SEAL_PURPOSE);
  try {
    return verifyMac(key, sealMessage(count, chain), seal);
  } finally {
    wipe(key);
  }
}
