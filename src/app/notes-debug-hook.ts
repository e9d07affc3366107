import type * as Y from 'yjs';
import { createNote } from '../../sync/notebook/notes.ts';

/** What `window.__obscuraNotes` offers; only in the e2e build, with `?debug=notes` (test-hooks.ts). */
export interface NotesDebugHook {
  /**
   * Writes `count` notes into the open notebook with createNote, as "New note" does, in
   * one transaction. Note i is titled `${prefix} ${i}`, has the body `${prefix.toLowerCase()}${i}`,
   * and was created `i * spacingMs` before `newest`: note 0 is the newest.
   */
  addNotes(count: number, prefix: string, newest: number, spacingMs: number): number;
}

declare global {
  interface Window {
    __obscuraNotes?: NotesDebugHook;
  }
}

/**
 * Note: how e2e tests fill a notebook with thousands of notes (the grid's scale test)
 * without typing them; the notes go through the same plain doc, sealing and storage as
 * typed ones. Exists only in the e2e build; installed (test-hooks.ts) for a page opened with
 * `?debug=notes`.
 */
export function installNotesDebugHook(doc: Y.Doc, target: Window = window): () => void {
  target.__obscuraNotes = {
    addNotes(count, prefix, newest, spacingMs) {
      doc.transact(() => {
        for (let i = 0; i < count; i++) createNote(doc, { title: `${prefix} ${i}`, body: `${prefix.toLowerCase()}${i}` }, newest - i * spacingMs);
      });
      return count;
    },
  };
  return () => delete target.__obscuraNotes;
}
