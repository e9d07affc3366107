// A vault header for a device that joins an existing vault (device link), or for the vault's
// new key (rotation): the SAME vault key and id, wrapped under this device's own passphrase and
// a fresh recovery key. The format is the vault header v1 (FORMATS.md); only the slots are new.
import type { VaultKey } from './keys.ts';
import { DEFAULT_PWHASH_PARAMS, type PwhashParams } from './pwhash.ts';
import { changePassphrase, regenerateRecoveryKey, type VaultHeader } from './vault-header.ts';

/**
 * Note: each device keeps its own passphrase: sharing one would mean sending a secret between
 * devices that the device link (which seals only the vault key) avoids, and a passphrase
 * change on one device need not reach the others. The recovery key is one per vault: a linked
 * device drops the one made here and adopts the vault's wrap from the vault doc
 * (sync/vault/vault-recovery.ts), which is a wrap, not the key, so no secret travels either.
 */
export async function wrapLinkedVaultKey(
  vaultId: string,
  vaultKey: VaultKey,
  passphrase: string,
  params: PwhashParams = DEFAULT_PWHASH_PARAMS,
): Promise<{ header: VaultHeader; recoveryKey: string }> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(vaultId)) throw new TypeError('vaultId must be 16 bytes of base64url');
  // Both slots are replaced below; these placeholders never reach storage.
  const empty: VaultHeader = {
    version: 1,
    vaultId,
    passphrase: { salt: new Uint8Array(0), opslimit: 0, memlimit: 0, alg: 'argon2id13', wrapped: new Uint8Array(0) },
    recovery: { wrapped: new Uint8Array(0) },
  };
  const withPassphrase = await changePassphrase(empty, vaultKey, passphrase, params);
  return regenerateRecoveryKey(withPassphrase, vaultKey);
}
