import type * as Y from 'yjs';
import { createNote, readNotes, setNoteText } from '../../sync/notebook/notes.ts';
import { readTaggingStatus } from '../../sync/notebook/photos.ts';

/** What `window.__obscuraNotes` offers; only in the e2e build, with `?debug=notes` (test-hooks.ts). */
export interface NotesDebugHook {
  /**
   * Writes `count` notes into the open notebook with createNote, as "New note" does, in
   * one transaction. Note i is titled `${prefix} ${i}`, has the body `${prefix.toLowerCase()}${i}`,
   * and was created `i * spacingMs` before `newest`: note 0 is the newest.
   */
  addNotes(count: number, prefix: string, newest: number, spacingMs: number): number;
  /**
   * Appends `mark` to the bodies of the `count` notes lowest in the order, one transaction
   * each, with setNoteText as an edit from the editor (or from another device) does: each
   * edited note becomes the newest. Returns the titles edited, in the order edited.
   */
  editOldest(count: number, mark: string): string[];
  /** Each note's tagging state by title, as this tab's copy of the notebook holds it ('none': no photo). */
  taggingStates(): Record<string, string>;
  /** Each note's title by note id (the import bench names the photos of `__obscuraTagLog` with it). */
  titles(): Record<string, string>;
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
        // Oldest first, as they would have been written: notes are ordered by when they were
        // written after one another (sync/notebook/note-order.ts), not by the time alone.
        for (let i = count - 1; i >= 0; i--) createNote(doc, { title: `${prefix} ${i}`, body: `${prefix.toLowerCase()}${i}` }, newest - i * spacingMs);
      });
      return count;
    },
    editOldest(count, mark) {
      const oldest = readNotes(doc).slice(-count).reverse();
      for (const note of oldest) setNoteText(doc, note.id, 'body', note.body + mark);
      return oldest.map((note) => note.title);
    },
    taggingStates: () => Object.fromEntries(readNotes(doc).map((note) => [note.title, readTaggingStatus(doc, note.id)?.state ?? 'none'])),
    titles: () => Object.fromEntries(readNotes(doc).map((note) => [note.id, note.title])),
  };
  return () => delete target.__obscuraNotes;
}
