import * as Y from 'yjs';

/**
 * What the notebook list shows beside a name: a colour from a small palette, and a pending
 * deletion. Both live in the notebook's entry of the sealed vault doc (vault-doc.ts), so they
 * follow the person to their other devices and no server sees them.
 *
 * Note: deleting is two steps. `startNotebookDeletion` stamps `deletedAt` (hidden from the list,
 * still complete, undoable); `finalizeNotebookDeletion` sets `deleted` (the tombstone
 * listNotebooks already honours) and drops the name and keys. The box database is removed by
 * the caller only after that, so an undo never has to bring data back.
 */
export const NOTEBOOK_COLOURS = ['grey', 'red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'pink'] as const;
export type NotebookColour = (typeof NOTEBOOK_COLOURS)[number];
export const DEFAULT_NOTEBOOK_COLOUR: NotebookColour = 'grey';

/** How long a deletion can be undone. A reload inside the window keeps the rest of it. */
export const NOTEBOOK_UNDO_MS = 10_000;

export interface NotebookEntry {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly colour: NotebookColour;
  /** Set while a deletion can still be undone. */
  readonly deletedAt?: number;
}

export function isNotebookColour(value: unknown): value is NotebookColour {
  return typeof value === 'string' && (NOTEBOOK_COLOURS as readonly string[]).includes(value);
}

/** The same map vault-doc.ts keeps the notebook list in. */
function entryOf(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const entry = doc.getMap<unknown>('notebooks').get(id);
  return entry instanceof Y.Map ? (entry as Y.Map<unknown>) : undefined;
}

/** Every notebook not finally deleted, oldest first, pending deletions included (with deletedAt). */
export function listNotebookEntries(doc: Y.Doc): NotebookEntry[] {
  const list: NotebookEntry[] = [];
  doc.getMap<unknown>('notebooks').forEach((entry, id) => {
    if (!(entry instanceof Y.Map) || entry.get('deleted') === true) return;
    const name = entry.get('name');
    const createdAt = entry.get('createdAt');
    const colour = entry.get('colour');
    const deletedAt = entry.get('deletedAt');
    list.push({
      id,
      name: typeof name === 'string' ? name : '',
      createdAt: typeof createdAt === 'number' ? createdAt : 0,
      colour: isNotebookColour(colour) ? colour : DEFAULT_NOTEBOOK_COLOUR,
      ...(typeof deletedAt === 'number' && Number.isFinite(deletedAt) ? { deletedAt } : {}),
    });
  });
  return list.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

export function setNotebookColour(doc: Y.Doc, id: string, colour: NotebookColour): boolean {
  const entry = entryOf(doc, id);
  if (!entry || !isNotebookColour(colour)) return false;
  entry.set('colour', colour);
  return true;
}

export function startNotebookDeletion(doc: Y.Doc, id: string, now = Date.now()): boolean {
  const entry = entryOf(doc, id);
  if (!entry || entry.get('deleted') === true) return false;
  entry.set('deletedAt', now);
  return true;
}

export function undoNotebookDeletion(doc: Y.Doc, id: string): boolean {
  const entry = entryOf(doc, id);
  if (!entry || entry.get('deleted') === true || !entry.has('deletedAt')) return false;
  entry.delete('deletedAt');
  return true;
}

/** The tombstone: the entry stays (so a late update from another device cannot revive it) without name or keys. */
export function finalizeNotebookDeletion(doc: Y.Doc, id: string): boolean {
  const entry = entryOf(doc, id);
  if (!entry) return false;
  doc.transact(() => {
    entry.set('deleted', true);
    entry.delete('name');
    entry.delete('keys');
    entry.delete('colour');
  });
  return true;
}

/** Pending deletions whose undo window has closed at `now`. */
export function expiredDeletions(doc: Y.Doc, now = Date.now(), windowMs = NOTEBOOK_UNDO_MS): string[] {
  return listNotebookEntries(doc)
    .filter((n) => n.deletedAt !== undefined && now - n.deletedAt >= windowMs)
    .map((n) => n.id);
}
