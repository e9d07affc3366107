import { IndexeddbPersistence, storeState } from 'y-indexeddb';
import type * as Y from 'yjs';
import type { BoxHandle, BoxPersistence } from './box-persistence.ts';

/** y-indexeddb, one database per box. */
export class IndexedDbBoxPersistence implements BoxPersistence {
  async open(name: string, box: Y.Doc): Promise<BoxHandle> {
    const persistence = new IndexeddbPersistence(name, box);
    await persistence.whenSynced;
    return {
      flushed: () => flushed(persistence.db),
      compact: async () => {
        await storeState(persistence, true);
        // storeState does not wait for its write and the delete that follows it; the
        // second transaction is queued behind both.
        await flushed(persistence.db);
        await flushed(persistence.db);
      },
      close: async () => {
        await flushed(persistence.db);
        await persistence.destroy();
      },
    };
  }

  remove(name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
  }
}

/**
 * y-indexeddb writes each update in its own transaction without exposing a promise.
 * A later transaction over the same store only completes after the earlier read-write
 * ones (IndexedDB orders overlapping transactions), so its completion means "stored".
 */
function flushed(db: IDBDatabase | null): Promise<void> {
  if (!db) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(['updates'], 'readwrite');
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}
