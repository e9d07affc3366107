import 'fake-indexeddb/auto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomPhotoKey, sodiumReady } from '../../../crypto/index.ts';
import { BlobStore } from '../../../sync/blob/blob-store.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import { IndexedDbStorageAdapter } from '../../../sync/storage/indexeddb-storage-adapter.ts';
import { StorageFullError } from '../../../sync/storage/storage-adapter.ts';
import { fillTheDisk, freeTheDisk, realPut } from '../../helpers/full-disk.ts';

beforeAll(sodiumReady);

/**
 * fake-indexeddb has no quota, so the full disk is made where IndexedDB reports it: put
 * throws the QuotaExceededError DOMException a browser raises (Chromium also reports it as
 * the transaction's error on abort; both paths must end as E_STORAGE_FULL). The adapter,
 * the blob store and IndexedDB's transactions are the real ones.
 */
afterEach(freeTheDisk);

let n = 0;
const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill);

describe('storage full', () => {
  it('E_STORAGE_FULL: a write IndexedDB refuses for quota is StorageFullError, and nothing saved before is lost', async () => {
    const storage = new IndexedDbStorageAdapter(`storage-full-${n++}`);
    await storage.save(['box', 'a'], bytes(10, 1));
    await storage.save(['box', 'b'], bytes(20, 2));
    fillTheDisk();
    const failure = await storage.save(['box', 'c'], bytes(30, 3)).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(StorageFullError);
    expect((failure as StorageFullError).code).toBe('E_STORAGE_FULL');
    // An overwrite refused for quota keeps the old value.
    expect(await storage.save(['box', 'a'], bytes(99, 9)).then(() => 'saved', (e: unknown) => (e as StorageFullError).code)).toBe('E_STORAGE_FULL');
    freeTheDisk();
    expect(await storage.load(['box', 'a'])).toEqual(bytes(10, 1));
    expect((await storage.loadRange(['box'])).map((c) => c.key.join('/'))).toEqual(['box/a', 'box/b']);
    // Space freed: writing works again.
    await storage.save(['box', 'c'], bytes(30, 3));
    expect(await storage.load(['box', 'c'])).toEqual(bytes(30, 3));
    await storage.close();
  });

  it('E_STORAGE_FULL: a photo import that runs out of space fails with the code, leaves no readable half blob, and earlier photos still open', async () => {
    const storage = new IndexedDbStorageAdapter(`storage-full-${n++}`);
    const blobs = new BlobStore(storage);
    const key = randomPhotoKey();
    const ad = photoBlobAd('nb', 'note-1', 'photo');
    const first = await blobs.put(key, ad, bytes(200_000, 7));
    let puts = 0;
    IDBObjectStore.prototype.put = function put(this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>): IDBRequest<IDBValidKey> {
      if (++puts > 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realPut.apply(this, args);
    };
    const failure = await blobs.put(key, photoBlobAd('nb', 'note-2', 'photo'), bytes(300_000, 8)).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(StorageFullError);
    freeTheDisk();
    const read = await blobs.readAll(first.id, key, ad);
    expect(read.ok && read.value).toEqual(bytes(200_000, 7));
    const heads = (await storage.loadRange(['blob'])).map((c) => c.key.join('/'));
    expect(heads).toEqual([`blob/${first.id}`]);
    await storage.close();
  });
});
