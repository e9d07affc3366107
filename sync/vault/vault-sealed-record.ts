import { concatBytes, deriveSubkey, openAead, sealAead, wipe, type Result, type VaultKey } from '../../crypto/index.ts';

/**
 * What this device stores under the vault key outside the vault doc (its device seeds, its
 * device records): `0x02 ‖ AEAD(deriveSubkey(vault key, purpose), bytes, ad)`.
 *
 * Note: records written before (`AEAD(vault key, …)`, no version byte) are still read; the
 * vault key is otherwise used only as a hash key (deriveId) and through subkeys, so it is never
 * both an AEAD key and a hash key (crypto/FORMATS.md "Subkeys").
 */
const VERSION = 0x02;

export function sealVaultRecord(vaultKey: VaultKey, purpose: string, ad: Uint8Array, bytes: Uint8Array): Uint8Array {
  const key = deriveSubkey(vaultKey, purpose);
  const sealed = concatBytes(Uint8Array.of(VERSION), sealAead(key, bytes, ad));
  wipe(key);
  return sealed;
}

export function openVaultRecord(vaultKey: VaultKey, purpose: string, ad: Uint8Array, sealed: Uint8Array): Result<Uint8Array> {
  if (sealed[0] === VERSION) {
    const key = deriveSubkey(vaultKey, purpose);
    const opened = openAead(key, sealed.subarray(1), ad);
    wipe(key);
    if (opened.ok) return opened;
  }
  // Written before subkeys: the nonce comes first (its first byte may happen to be 0x02).
  return openAead(vaultKey, sealed, ad);
}
