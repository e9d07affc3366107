import * as decoding from 'lib0/decoding';

/**
 * Awareness bounds of the relay's gate (hocus/gated-socket.ts). A client of an older version
 * forwarded every state its awareness held (its own and the peers it met over WebRTC), so a
 * socket may speak for a room's worth of client ids, not thousands; and our presence state is ~100 bytes. Without
 * these, one socket could park 16 MiB frames of fresh client ids in memory for the 30 s
 * awareness timeout, over and over.
 */
export const MAX_AWARENESS_CLIENTS = 256;
export const MAX_AWARENESS_STATE_BYTES = 4096;

/** Why an awareness update is dropped before it is applied, or undefined. Throws on junk (caller: bad frame). */
export function awarenessUpdateProblem(update: Uint8Array): string | undefined {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > MAX_AWARENESS_CLIENTS) return `awareness update for ${count} clients`;
  for (let i = 0; i < count; i++) {
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
    if (decoding.readVarString(decoder).length > MAX_AWARENESS_STATE_BYTES) return 'awareness state too large';
  }
  return undefined;
}

/** The client ids an awareness update sets a state for, and those it removes (state `null`). */
export function awarenessClients(update: Uint8Array): { readonly set: number[]; readonly removed: number[] } {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const set: number[] = [];
  const removed: number[] = [];
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
    (decoding.readVarString(decoder) === 'null' ? removed : set).push(client);
  }
  return { set, removed };
}
