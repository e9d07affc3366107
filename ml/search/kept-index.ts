import { decodeIndexSnapshot, encodeIndexSnapshot } from './index-snapshot.ts';
import type { NoteSearchIndex, NoteSearchIndexOptions } from './search-index.ts';

/** Where an index is kept between unlocks (the app's: sealed under the vault key). */
export interface SearchIndexStore {
  /** The kept bytes; undefined when none is kept, or a reason when it did not open (another vault or notebook, tampered, truncated). */
  load(): Promise<Uint8Array | string | undefined>;
  save(index: Uint8Array): Promise<void>;
}

/** What a store gave: the bytes, nothing, or why it could not be read. */
export type KeptIndex = Uint8Array | string | undefined;

export interface OpenedIndex {
  readonly index: NoteSearchIndex;
  /** 'kept': the kept index, of exactly this state of the notes; 'built': built from them. */
  readonly from: 'kept' | 'built';
  /** Why the kept one was not used, when one was there. */
  readonly rejected?: string;
}

/** What the store holds, or why it could not be read: never a throw. */
export async function loadKept(store: SearchIndexStore): Promise<KeptIndex> {
  try {
    return await store.load();
  } catch (error) {
    return `not loaded: ${String(error)}`;
  }
}

/**
 * The kept index if it opened, reads back whole and carries `stamp()`, the stamp of the notes
 * as they are now; otherwise `build()`, never a kept index used in part. Synchronous, so the
 * caller can start feeding changes before any can come between.
 */
export function chooseIndex(kept: KeptIndex, stamp: () => string, build: () => NoteSearchIndex, options: NoteSearchIndexOptions = {}): OpenedIndex {
  if (kept === undefined) return { index: build(), from: 'built' };
  if (typeof kept === 'string') return { index: build(), from: 'built', rejected: kept };
  const read = decodeIndexSnapshot(kept, options);
  if (!read.ok) return { index: build(), from: 'built', rejected: read.error.message };
  if (read.stamp !== stamp()) return { index: build(), from: 'built', rejected: 'of another state of the notes' };
  return { index: read.index, from: 'kept' };
}

/** Keeps `index` with the stamp of the notes it is of: call it only when the index matches them. */
export function keepIndex(index: NoteSearchIndex, stamp: string, store: SearchIndexStore): Promise<void> {
  return store.save(encodeIndexSnapshot(index, stamp));
}
