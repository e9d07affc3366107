import { BlobStore } from '../../sync/blob/blob-store.ts';
import { IndexedDbBoxPersistence } from '../../sync/storage/indexeddb-box-persistence.ts';
import { IndexedDbStorageAdapter } from '../../sync/storage/indexeddb-storage-adapter.ts';
import { photoLocks, type PhotoLocks } from '../../sync/tabs/photo-locks.ts';
import type { VaultServices } from '../../sync/vault/vault-services.ts';

let shared: VaultServices | undefined;
let blobs: BlobStore | undefined;
let photos: PhotoLocks | undefined;

/**
 * The browser's real stores: IndexedDB for records and blobs, y-indexeddb for boxes.
 * One instance per page, so the vault and the blob store share one database connection.
 * `exclusive` is navigator.locks: one header change at a time across the profile's tabs.
 */
export function browserServices(): VaultServices {
  return (shared ??= { storage: new IndexedDbStorageAdapter('obscura'), boxes: new IndexedDbBoxPersistence(), exclusive });
}

function exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
  // Without Web Locks (an old browser) the header's compare-and-swap still refuses a stale write.
  return typeof navigator !== 'undefined' && navigator.locks ? (navigator.locks.request(name, work) as Promise<T>) : work();
}

/** Which tab imports or tags which photo (navigator.locks): one per page. */
export function browserPhotoLocks(): PhotoLocks {
  return (photos ??= photoLocks());
}

/** Encrypted photos and thumbnails, in the same IndexedDB database as the vault's records. */
export function browserBlobStore(): BlobStore {
  return (blobs ??= new BlobStore(browserServices().storage));
}
