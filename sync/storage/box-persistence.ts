import type * as Y from 'yjs';

/**
 * Where a box doc lives between sessions. Only box docs (ciphertext) are ever handed to
 * a BoxPersistence; plain docs exist only in memory.
 */
export interface BoxHandle {
  /** Resolves once every update made so far is durably stored. */
  flushed(): Promise<void>;
  /**
   * Replaces the stored update log with the box's current state. After a sealed-doc
   * compaction the log still holds every superseded snapshot until this runs.
   */
  compact(): Promise<void>;
  close(): Promise<void>;
}

export interface BoxPersistence {
  /** Loads the stored box into `box` and keeps storing its updates until closed. */
  open(name: string, box: Y.Doc): Promise<BoxHandle>;
  /** Deletes a stored box for good (a deleted notebook). Close its handle first. */
  remove(name: string): Promise<void>;
}
