import { IndexedDbBoxPersistence } from '../../sync/storage/indexeddb-box-persistence.ts';
import { IndexedDbStorageAdapter } from '../../sync/storage/indexeddb-storage-adapter.ts';
import type { VaultServices } from '../../sync/vault/vault.ts';

/** The browser's real stores: IndexedDB for records and blobs, y-indexeddb for boxes. */
export function browserServices(): VaultServices {
  return { storage: new IndexedDbStorageAdapter('obscura'), boxes: new IndexedDbBoxPersistence() };
}
