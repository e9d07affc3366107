import { fromHex, toHex } from '../../crypto/index.ts';
import { isBlobSize, MAX_BLOB_BYTES, pieceCount, pieceLength } from './blob-layout.ts';

/**
 * Messages of the blob lane (sync/PROTOCOL.md "Blob lane"). Binary, big-endian:
 *
 *   0x01 GET      u32 request, 32-byte blob id, u32 first piece, u16 count (1..MAX_PIECES_PER_GET)
 *   0x02 PIECE    u32 request, u32 index, u32 blob size, the piece's bytes
 *   0x03 MISSING  u32 request
 *
 * A GET is answered by PIECEs first..first+count-1 (those that exist) in order, or by one
 * MISSING. Pieces are the blob's stored ciphertext pieces (blob-layout.ts); each is
 * checked for its exact length here, and the whole blob for its hash when complete.
 */
export const LANE_GET = 0x01;
export const LANE_PIECE = 0x02;
export const LANE_MISSING = 0x03;
export const MAX_PIECES_PER_GET = 16;

export type LaneMessage =
  | { readonly type: 'get'; readonly request: number; readonly id: string; readonly first: number; readonly count: number }
  | { readonly type: 'piece'; readonly request: number; readonly index: number; readonly size: number; readonly bytes: Uint8Array }
  | { readonly type: 'missing'; readonly request: number };

/** Why a peer's lane was dropped. */
export type LaneErrorCode = 'E_LANE_MALFORMED' | 'E_LANE_BOUNDS' | 'E_LANE_UNEXPECTED' | 'E_LANE_FLOOD';

export type Decoded = { readonly ok: true; readonly message: LaneMessage } | { readonly ok: false; readonly code: LaneErrorCode; readonly message: string };

const GET_BYTES = 1 + 4 + 32 + 4 + 2;
const PIECE_HEADER_BYTES = 1 + 4 + 4 + 4;
const MISSING_BYTES = 1 + 4;

export function encodeLaneMessage(message: LaneMessage): Uint8Array {
  if (message.type === 'get') {
    const out = new Uint8Array(GET_BYTES);
    const view = new DataView(out.buffer);
    out[0] = LANE_GET;
    view.setUint32(1, message.request);
    const id = fromHex(message.id);
    if (!id.ok || id.value.length !== 32) throw new RangeError(`blob id ${message.id} is not 64 hex characters`);
    out.set(id.value, 5);
    view.setUint32(37, message.first);
    view.setUint16(41, message.count);
    return out;
  }
  if (message.type === 'piece') {
    const out = new Uint8Array(PIECE_HEADER_BYTES + message.bytes.length);
    const view = new DataView(out.buffer);
    out[0] = LANE_PIECE;
    view.setUint32(1, message.request);
    view.setUint32(5, message.index);
    view.setUint32(9, message.size);
    out.set(message.bytes, PIECE_HEADER_BYTES);
    return out;
  }
  const out = new Uint8Array(MISSING_BYTES);
  out[0] = LANE_MISSING;
  new DataView(out.buffer).setUint32(1, message.request);
  return out;
}

/** Checks shape and bounds; whether a PIECE was asked for is the receiver's to check. */
export function decodeLaneMessage(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) return malformed('empty lane message');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = bytes[0];
  if (type === LANE_GET) {
    if (bytes.length !== GET_BYTES) return malformed(`GET of ${bytes.length} bytes, not ${GET_BYTES}`);
    const count = view.getUint16(41);
    const first = view.getUint32(37);
    if (count < 1 || count > MAX_PIECES_PER_GET) return bounds(`GET of ${count} pieces (1..${MAX_PIECES_PER_GET})`);
    if (first >= pieceCount(MAX_BLOB_BYTES)) return bounds(`GET from piece ${first}, past any blob`);
    return { ok: true, message: { type: 'get', request: view.getUint32(1), id: toHex(bytes.subarray(5, 37)), first, count } };
  }
  if (type === LANE_PIECE) {
    if (bytes.length <= PIECE_HEADER_BYTES) return malformed(`PIECE of ${bytes.length} bytes carries no data`);
    const index = view.getUint32(5);
    const size = view.getUint32(9);
    if (!isBlobSize(size)) return bounds(`PIECE of a blob of ${size} bytes`);
    const length = bytes.length - PIECE_HEADER_BYTES;
    if (length !== pieceLength(size, index)) return bounds(`piece ${index} of a ${size}-byte blob has ${length} bytes, not ${pieceLength(size, index)}`);
    return { ok: true, message: { type: 'piece', request: view.getUint32(1), index, size, bytes: bytes.slice(PIECE_HEADER_BYTES) } };
  }
  if (type === LANE_MISSING) {
    if (bytes.length !== MISSING_BYTES) return malformed(`MISSING of ${bytes.length} bytes, not ${MISSING_BYTES}`);
    return { ok: true, message: { type: 'missing', request: view.getUint32(1) } };
  }
  return malformed(`unknown lane message type ${type}`);
}

const malformed = (message: string): Decoded => ({ ok: false, code: 'E_LANE_MALFORMED', message });
const bounds = (message: string): Decoded => ({ ok: false, code: 'E_LANE_BOUNDS', message });
