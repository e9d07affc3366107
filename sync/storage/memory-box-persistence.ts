import * as Y from 'yjs';
import type { BoxHandle, BoxPersistence } from './box-persistence.ts';

/** Keeps each box as one merged update in memory, so tests can close and reopen. */
export class MemoryBoxPersistence implements BoxPersistence {
  /** Name -> merged update; pass one in to share a "disk" between instances (a restart). */
  constructor(readonly stored: Map<string, Uint8Array> = new Map()) {}

  async open(name: string, box: Y.Doc): Promise<BoxHandle> {
    const existing = this.stored.get(name);
    if (existing) Y.applyUpdate(box, existing, this);
    const store = (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      const previous = this.stored.get(name);
      this.stored.set(name, previous ? Y.mergeUpdates([previous, update]) : update);
    };
    box.on('update', store);
    return {
      flushed: async () => {},
      compact: async () => void this.stored.set(name, Y.encodeStateAsUpdate(box)),
      close: async () => box.off('update', store),
    };
  }

  async remove(name: string): Promise<void> {
    this.stored.delete(name);
  }
}
