import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** A snapshot's plaintext: the box keys it covers, then the full Yjs state. */
export interface SnapshotPayload {
  readonly covers: readonly string[];
  readonly update: Uint8Array;
}

const SNAPSHOT_FORMAT = 1;

export function encodeSnapshot(payload: SnapshotPayload): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, SNAPSHOT_FORMAT);
  encoding.writeVarUint(encoder, payload.covers.length);
  for (const key of payload.covers) encoding.writeVarString(encoder, key);
  encoding.writeVarUint8Array(encoder, payload.update);
  return encoding.toUint8Array(encoder);
}

/** Undefined when the bytes are not a snapshot of a format we know. */
export function decodeSnapshot(bytes: Uint8Array): SnapshotPayload | undefined {
  try {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== SNAPSHOT_FORMAT) return undefined;
    const count = decoding.readVarUint(decoder);
    if (count > bytes.length) return undefined;
    const covers: string[] = [];
    for (let i = 0; i < count; i++) covers.push(decoding.readVarString(decoder));
    const update = decoding.readVarUint8Array(decoder);
    if (decoding.hasContent(decoder)) return undefined;
    return { covers, update };
  } catch {
    return undefined;
  }
}
