import type * as Y from 'yjs';

/**
 * The box doc holds ciphertext only: `entries` maps `writerId/seq` to sealed updates and
 * `snapshots` maps `writerId/seq` to sealed snapshots. Keys are unique per writer
 * session, so concurrent writers never touch the same key.
 */
export const ENTRIES = 'entries';
export const SNAPSHOTS = 'snapshots';

export type EntryKind = 'update' | 'snapshot';

export function boxMaps(box: Y.Doc): { entries: Y.Map<Uint8Array>; snapshots: Y.Map<Uint8Array> } {
  return { entries: box.getMap<Uint8Array>(ENTRIES), snapshots: box.getMap<Uint8Array>(SNAPSHOTS) };
}

export function entryKey(writerId: string, seq: number): string {
  return `${writerId}/${seq}`;
}

const KEY = /^([A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64})\/([1-9][0-9]{0,14})$/;

/** Parses a box key from untrusted storage or a peer; undefined when malformed. */
export function parseEntryKey(key: string): { writerId: string; seq: number } | undefined {
  const match = KEY.exec(key);
  if (!match) return undefined;
  return { writerId: match[1] as string, seq: Number(match[2]) };
}
