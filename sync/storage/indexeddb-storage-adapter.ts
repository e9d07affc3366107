import { StorageFullError, type StorageAdapter, type StorageChunk, type StorageKey } from './storage-adapter.ts';

const STORE = 'chunks';

/**
 * IndexedDB adapter: one object store keyed by the key path itself (IndexedDB orders
 * array keys element by element, so a prefix is a key range).
 */
export class IndexedDbStorageAdapter implements StorageAdapter {
  readonly #db: Promise<IDBDatabase>;

  constructor(databaseName: string, factory: IDBFactory = indexedDB) {
    this.#db = new Promise((resolve, reject) => {
      const request = factory.open(databaseName, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    const value = await this.#run('readonly', (store) => store.get([...key]));
    return value instanceof Uint8Array ? value : undefined;
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    await this.#run('readwrite', (store) => store.put(data, [...key]));
  }

  async saveIf(key: StorageKey, accept: (current: Uint8Array | undefined) => boolean, data: Uint8Array): Promise<boolean> {
    const db = await this.#db;
    // One readwrite transaction for the read and the write: IndexedDB runs readwrite
    // transactions on the same store one after another, across every tab of the origin.
    return new Promise<boolean>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      let saved = false;
      let thrown: unknown;
      const read = store.get([...key]);
      read.onsuccess = () => {
        const current: unknown = read.result;
        if (!accept(current instanceof Uint8Array ? current : undefined)) return;
        try {
          store.put(data, [...key]);
          saved = true;
        } catch (error) {
          // put() may throw QuotaExceededError itself: same code as when the commit fails.
          thrown = error;
          tx.abort();
        }
      };
      tx.oncomplete = () => resolve(saved);
      const failed = () => reject(thrown === undefined ? toStorageError(tx.error ?? read.error) : toStorageError(thrown instanceof DOMException ? thrown : null, thrown));
      tx.onerror = failed;
      tx.onabort = failed;
    });
  }

  async remove(key: StorageKey): Promise<void> {
    await this.#run('readwrite', (store) => store.delete([...key]));
  }

  async loadRange(prefix: StorageKey): Promise<StorageChunk[]> {
    const range = prefixRange(prefix);
    const [keys, values] = await Promise.all([
      this.#run('readonly', (store) => store.getAllKeys(range)),
      this.#run('readonly', (store) => store.getAll(range)),
    ]);
    const chunks: StorageChunk[] = [];
    keys.forEach((key, i) => {
      const data: unknown = values[i];
      if (Array.isArray(key) && data instanceof Uint8Array) chunks.push({ key: key.map(String), data });
    });
    return chunks;
  }

  async removeRange(prefix: StorageKey): Promise<void> {
    await this.#run('readwrite', (store) => store.delete(prefixRange(prefix)));
  }

  async close(): Promise<void> {
    (await this.#db).close();
  }

  async #run<T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.#db;
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      let request: IDBRequest<T>;
      try {
        request = op(tx.objectStore(STORE));
      } catch (error) {
        // put() itself may throw QuotaExceededError (not only abort with it): same code.
        tx.abort();
        reject(toStorageError(error instanceof DOMException ? error : null, error));
        return;
      }
      // Resolve on commit, not on request success: a write is only durable then.
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(toStorageError(tx.error ?? request.error));
      tx.onabort = () => reject(toStorageError(tx.error ?? request.error));
    });
  }
}

/** Every key equal to `prefix` or extending it: arrays sort after all strings. */
function prefixRange(prefix: StorageKey): IDBKeyRange {
  return IDBKeyRange.bound([...prefix], [...prefix, []]);
}

function toStorageError(error: DOMException | null, thrown?: unknown): Error {
  if (error?.name === 'QuotaExceededError') return new StorageFullError(error);
  if (error) return error;
  return thrown instanceof Error ? thrown : new Error('IndexedDB transaction failed');
}
