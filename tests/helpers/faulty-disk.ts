import type * as Y from 'yjs';
import type { BoxHandle, BoxPersistence } from '../../sync/storage/box-persistence.ts';
import { MemoryBoxPersistence } from '../../sync/storage/memory-box-persistence.ts';
import { MemoryStorageAdapter } from '../../sync/storage/memory-storage-adapter.ts';
import { StorageFullError, type StorageAdapter, type StorageChunk, type StorageKey } from '../../sync/storage/storage-adapter.ts';

/**
 * One device's disk (the real memory adapters underneath) that stops at a chosen write:
 * - `crash`: write number `at` and every later one are silently lost, as if the process had
 *   died there; the code above goes on in memory, and `restart()` gives the disk as it was
 *   left to a fresh process;
 * - `fail`: write number `at` throws (StorageFullError, or `error`), every other one works,
 *   as when IndexedDB refuses one transaction.
 * Writes are every storage save/saveIf/remove, every box database open/compact/remove and, in
 * crash mode, every stored box update.
 */
export class FaultyDisk {
  writes = 0;
  at = Number.POSITIVE_INFINITY;
  mode: 'crash' | 'fail' = 'crash';
  error: () => Error = () => new StorageFullError();
  readonly storageBelow = new MemoryStorageAdapter();
  readonly boxesBelow: Map<string, Uint8Array> = new FrozenAfterCrash(this);
  readonly storage: StorageAdapter = new FaultyStorage(this);
  readonly boxes: BoxPersistence = new FaultyBoxes(this, new MemoryBoxPersistence(this.boxesBelow));

  /** Whether this write reaches the disk; throws in `fail` mode at `at`. */
  write(countInFailMode = true): boolean {
    if (this.mode === 'fail' && !countInFailMode) return true;
    this.writes++;
    if (this.writes < this.at) return true;
    if (this.mode === 'fail') {
      if (this.writes === this.at) throw this.error();
      return true;
    }
    return false;
  }

  /** What a new process finds: the same stored bytes, no faults any more. */
  restart(): { storage: StorageAdapter; boxes: MemoryBoxPersistence } {
    return { storage: this.storageBelow, boxes: new MemoryBoxPersistence(new Map(this.boxesBelow)) };
  }
}

class FrozenAfterCrash extends Map<string, Uint8Array> {
  constructor(private readonly disk: FaultyDisk) {
    super();
  }

  override set(key: string, value: Uint8Array): this {
    // Map's constructor calls set before `disk` exists.
    if (!this.disk || this.disk.write(false)) super.set(key, value);
    return this;
  }

  override delete(key: string): boolean {
    return this.disk.write(false) ? super.delete(key) : false;
  }
}

class FaultyStorage implements StorageAdapter {
  constructor(private readonly disk: FaultyDisk) {}

  load(key: StorageKey): Promise<Uint8Array | undefined> {
    return this.disk.storageBelow.load(key);
  }

  loadRange(prefix: StorageKey): Promise<StorageChunk[]> {
    return this.disk.storageBelow.loadRange(prefix);
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    if (this.disk.write()) await this.disk.storageBelow.save(key, data);
  }

  async saveIf(key: StorageKey, accept: (current: Uint8Array | undefined) => boolean, data: Uint8Array): Promise<boolean> {
    if (this.disk.write()) return this.disk.storageBelow.saveIf(key, accept, data);
    // Lost after a crash: the process above goes on as if it had been saved.
    return accept(await this.disk.storageBelow.load(key));
  }

  async remove(key: StorageKey): Promise<void> {
    if (this.disk.write()) await this.disk.storageBelow.remove(key);
  }

  async removeRange(prefix: StorageKey): Promise<void> {
    if (this.disk.write()) await this.disk.storageBelow.removeRange(prefix);
  }
}

class FaultyBoxes implements BoxPersistence {
  constructor(
    private readonly disk: FaultyDisk,
    private readonly below: MemoryBoxPersistence,
  ) {}

  async open(name: string, box: Y.Doc): Promise<BoxHandle> {
    this.disk.write();
    const handle = await this.below.open(name, box);
    return {
      flushed: () => handle.flushed(),
      compact: async () => {
        if (this.disk.write()) await handle.compact();
      },
      close: () => handle.close(),
    };
  }

  async remove(name: string): Promise<void> {
    if (this.disk.write()) await this.below.remove(name);
  }
}
