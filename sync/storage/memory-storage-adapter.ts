import { startsWith, type StorageAdapter, type StorageChunk, type StorageKey } from './storage-adapter.ts';

/** In-memory adapter for tests and for sessions that must leave nothing on disk. */
export class MemoryStorageAdapter implements StorageAdapter {
  readonly #data = new Map<string, { key: StorageKey; data: Uint8Array }>();

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    return this.#data.get(JSON.stringify(key))?.data.slice();
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    this.#data.set(JSON.stringify(key), { key: [...key], data: data.slice() });
  }

  async saveIf(key: StorageKey, accept: (current: Uint8Array | undefined) => boolean, data: Uint8Array): Promise<boolean> {
    // No await between the read and the write: nothing else runs in between.
    if (!accept(this.#data.get(JSON.stringify(key))?.data.slice())) return false;
    this.#data.set(JSON.stringify(key), { key: [...key], data: data.slice() });
    return true;
  }

  async remove(key: StorageKey): Promise<void> {
    this.#data.delete(JSON.stringify(key));
  }

  async loadRange(prefix: StorageKey): Promise<StorageChunk[]> {
    return [...this.#data.values()]
      .filter((entry) => startsWith(entry.key, prefix))
      .sort((a, b) => compareKeys(a.key, b.key))
      .map((entry) => ({ key: entry.key, data: entry.data.slice() }));
  }

  async removeRange(prefix: StorageKey): Promise<void> {
    for (const [id, entry] of this.#data) if (startsWith(entry.key, prefix)) this.#data.delete(id);
  }
}

function compareKeys(a: StorageKey, b: StorageKey): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
