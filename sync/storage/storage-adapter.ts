/**
 * The narrow storage interface every store of ours sits on (after automerge-repo's
 * StorageAdapter). Keys are paths of strings; a range is every key that starts with a
 * prefix. Adapters store only what they are given: callers hand them ciphertext.
 */
export type StorageKey = readonly string[];

export interface StorageChunk {
  readonly key: StorageKey;
  readonly data: Uint8Array;
}

export interface StorageAdapter {
  load(key: StorageKey): Promise<Uint8Array | undefined>;
  save(key: StorageKey, data: Uint8Array): Promise<void>;
  /**
   * Compare-and-swap: reads what `key` holds (undefined if nothing) and saves `data` only if
   * `accept` says yes, both in one transaction, so no other writer (another tab on the same
   * database) comes between. `accept` runs synchronously inside it. Resolves whether it saved.
   */
  saveIf(key: StorageKey, accept: (current: Uint8Array | undefined) => boolean, data: Uint8Array): Promise<boolean>;
  remove(key: StorageKey): Promise<void>;
  /** Every chunk whose key starts with `prefix` (the prefix itself included), in key order. */
  loadRange(prefix: StorageKey): Promise<StorageChunk[]>;
  removeRange(prefix: StorageKey): Promise<void>;
}

/** Thrown by adapters when the device is out of space, so callers can say so plainly. */
export class StorageFullError extends Error {
  readonly code = 'E_STORAGE_FULL';
  constructor(cause?: unknown) {
    super('This device is out of storage space. Nothing already saved was lost; free some space and try again.', { cause });
  }
}

export function startsWith(key: StorageKey, prefix: StorageKey): boolean {
  return prefix.length <= key.length && prefix.every((part, i) => key[i] === part);
}
