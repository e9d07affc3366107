/**
 * y-leveldb ships types, but its package.json `exports` does not point at them, so
 * TypeScript's bundler resolution cannot find them. This declares the part we use,
 * copied from its dist/src/y-leveldb.d.ts (0.2.0).
 */
declare module 'y-leveldb' {
  import type * as Y from 'yjs';

  export class LeveldbPersistence {
    constructor(location: string, options?: { levelOptions?: object });
    /** Merges a document's stored updates into one record. */
    flushDocument(docName: string): Promise<void>;
    getYDoc(docName: string): Promise<Y.Doc>;
    /** Appends an update; resolves with its clock. */
    storeUpdate(docName: string, update: Uint8Array): Promise<number>;
    clearDocument(docName: string): Promise<void>;
    /** Every document with anything stored. */
    getAllDocNames(): Promise<string[]>;
    /** Closes the database after pending operations. */
    destroy(): Promise<void>;
  }
}
