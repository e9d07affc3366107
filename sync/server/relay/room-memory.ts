import type * as Y from 'yjs';

/**
 * What a loaded room costs in memory, estimated from what can be counted cheaply.
 * Note: measured with `node --expose-gc` on Yjs 13.6 (RELAY.md "Limits"): a keyed binary
 * value costs ~460 bytes of heap besides its bytes (the Item, its ID, its key string, the
 * map entry); the bytes themselves stay in the frames they arrived in. A Y.Doc with its
 * awareness and maps costs a few KiB even when empty.
 */
export const STRUCT_BYTES = 512;
export const ROOM_BYTES = 16 * 1024;

export function roomMemory(storedBytes: number, structs: number): number {
  return ROOM_BYTES + storedBytes + structs * STRUCT_BYTES;
}

/** Structs the doc holds now (Yjs keeps one array of structs per client). */
export function structCount(doc: Y.Doc): number {
  let count = 0;
  for (const structs of doc.store.clients.values()) count += structs.length;
  return count;
}
