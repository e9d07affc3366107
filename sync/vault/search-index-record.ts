import { concatBytes, deriveId, lengthPrefixed, padme, utf8, type Result, type VaultKey } from '../../crypto/index.ts';
import type { StorageAdapter, StorageKey } from '../storage/storage-adapter.ts';
import { openVaultRecord, sealVaultRecord } from './vault-sealed-record.ts';

/**
 * A notebook's search index as this device keeps it between unlocks (issue 17 §2: reopening
 * a 100k-note vault must not tokenize every note again): `0x02 ‖ AEAD(deriveSubkey(vault
 * key, PURPOSE), u32 n ‖ index (n) ‖ zeros to a Padmé bucket, ad)` under a storage key
 * derived from the box-name key, so neither the notebook id nor the index's exact size shows
 * (crypto/FORMATS.md "Sealed search index"). The AD binds vault and notebook: an index
 * copied from another notebook or vault does not open. What the index says (which state of
 * the notes it is of) is the caller's to check: a stale one is rebuilt.
 */
const PREFIX = 'search-index';
const PURPOSE = 'obscura/search-index/v1';

function indexAd(vaultId: string, notebookId: string): Uint8Array {
  return concatBytes(lengthPrefixed(utf8(PURPOSE)), lengthPrefixed(utf8(vaultId)), lengthPrefixed(utf8(notebookId)));
}

export function searchIndexKey(nameKey: VaultKey, notebookId: string): StorageKey {
  return [PREFIX, deriveId(nameKey, 'search-index', notebookId).slice(0, 32)];
}

export function sealSearchIndex(vaultKey: VaultKey, vaultId: string, notebookId: string, index: Uint8Array): Uint8Array {
  const padded = new Uint8Array(padme(4 + index.length));
  new DataView(padded.buffer).setUint32(0, index.length, true);
  padded.set(index, 4);
  return sealVaultRecord(vaultKey, PURPOSE, indexAd(vaultId, notebookId), padded);
}

/** E_DECRYPT (or similar) when it does not open for this vault and notebook; E_FORMAT when its length is wrong. */
export function openSearchIndex(vaultKey: VaultKey, vaultId: string, notebookId: string, sealed: Uint8Array): Result<Uint8Array> {
  const opened = openVaultRecord(vaultKey, PURPOSE, indexAd(vaultId, notebookId), sealed);
  if (!opened.ok) return opened;
  const padded = opened.value;
  const n = padded.length >= 4 ? new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0, true) : -1;
  if (n < 0 || 4 + n > padded.length) return { ok: false, error: { code: 'E_FORMAT', message: 'search index record has the wrong length' } };
  return { ok: true, value: padded.subarray(4, 4 + n) };
}

export async function saveSearchIndex(storage: StorageAdapter, keys: { vault: VaultKey; names: VaultKey }, vaultId: string, notebookId: string, index: Uint8Array): Promise<void> {
  await storage.save(searchIndexKey(keys.names, notebookId), sealSearchIndex(keys.vault, vaultId, notebookId, index));
}

/** undefined when none is stored. */
export async function loadSearchIndex(storage: StorageAdapter, keys: { vault: VaultKey; names: VaultKey }, vaultId: string, notebookId: string): Promise<Result<Uint8Array> | undefined> {
  const sealed = await storage.load(searchIndexKey(keys.names, notebookId));
  return sealed ? openSearchIndex(keys.vault, vaultId, notebookId, sealed) : undefined;
}

export async function removeSearchIndex(storage: StorageAdapter, nameKey: VaultKey, notebookId: string): Promise<void> {
  await storage.remove(searchIndexKey(nameKey, notebookId));
}

/** After a vault-key rotation every index's storage key changes: the old ones are dropped, and rebuilt on next open. */
export async function removeAllSearchIndexes(storage: StorageAdapter): Promise<void> {
  await storage.removeRange([PREFIX]);
}
