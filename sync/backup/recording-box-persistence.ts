import type * as Y from 'yjs';
import type { BoxHandle, BoxPersistence } from '../storage/box-persistence.ts';

/**
 * Remembers which boxes a restore opened, so a restore that fails part way (a full disk)
 * can remove them again: box names are keyed hashes the restore cannot list otherwise.
 */
export class RecordingBoxPersistence implements BoxPersistence {
  readonly opened = new Set<string>();
  readonly #inner: BoxPersistence;

  constructor(inner: BoxPersistence) {
    this.#inner = inner;
  }

  open(name: string, box: Y.Doc): Promise<BoxHandle> {
    this.opened.add(name);
    return this.#inner.open(name, box);
  }

  remove(name: string): Promise<void> {
    return this.#inner.remove(name);
  }
}
