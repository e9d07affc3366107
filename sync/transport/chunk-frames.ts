/**
 * The framing that lets one data-channel message of any size cross a WebRTC data channel
 * (ARCHITECTURE §4: Chromium refuses messages over 262,144 bytes, and y-webrtc ignores the
 * error). Every frame is one data-channel message: one type byte, then a body.
 *
 *   0xF0 WHOLE  body = the whole message (it fits in one frame)
 *   0xF1 FIRST  body = u32be total length of the message, then its first bytes
 *   0xF2 NEXT   body = the next bytes of the message begun by FIRST or LANE_FIRST
 *   0xF3 LANE_WHOLE  as WHOLE, for a message of the side lane (blob transfer)
 *   0xF4 LANE_FIRST  as FIRST, for a message of the side lane
 *
 * A message is complete when the bytes after FIRST add up to its total length.
 * Note: y-webrtc's own messages start with a small varuint (0-3), never 0xF0-0xF2, so a
 * peer that does not chunk is refused at its first message instead of misread.
 *
 * Note: no message id or chunk index. The channel y-webrtc opens (via simple-peer) is
 * ordered and reliable, and the sender never interleaves two messages, so frames of one
 * message arrive back to back, in order, or the channel is gone. A total length up front
 * lets the receiver refuse an oversized message before buffering it. It is not allocated
 * up front: the receiver holds the parts that arrived and joins them at the end
 * (chunk-reassembler.ts), so an announcement costs nothing until its bytes come.
 */

export const FRAME_WHOLE = 0xf0;
export const FRAME_FIRST = 0xf1;
export const FRAME_NEXT = 0xf2;
/**
 * Note: the side lane (sync/PROTOCOL.md "Blob lane") shares the channel y-webrtc uses, so
 * blobs need no second connection; its messages never reach y-webrtc.
 */
export const FRAME_LANE_WHOLE = 0xf3;
export const FRAME_LANE_FIRST = 0xf4;

/** Type byte of WHOLE/NEXT; FIRST adds the u32 total. */
export const FRAME_TYPE_BYTES = 1;
export const FRAME_FIRST_HEADER_BYTES = FRAME_TYPE_BYTES + 4;

/**
 * Default size of one frame on the wire, header included.
 * Note: 64 KiB is well under every browser's limit (Chromium/Safari 256 KiB, Firefox
 * 1 GiB) and large enough that the per-message cost of SCTP does not dominate.
 */
export const DEFAULT_FRAME_BYTES = 64 * 1024;

/** The largest message a receiver reassembles before it drops the peer. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** The length field is a u32. */
export const MAX_ENCODABLE_MESSAGE_BYTES = 0xffff_ffff;

export interface NextFrame {
  readonly frame: Uint8Array<ArrayBuffer>;
  /** Offset into the message after this frame; equal to its length when the message is done. */
  readonly offset: number;
}

/**
 * The frame that carries `message` from `offset` on, at most `frameBytes` long.
 * Call with offset 0 first, then with each returned offset until it equals the length.
 */
export function nextFrame(message: Uint8Array, offset: number, frameBytes: number, lane = false): NextFrame {
  if (frameBytes <= FRAME_FIRST_HEADER_BYTES) throw new RangeError(`frame size ${frameBytes} leaves no room for data`);
  if (offset === 0 && message.length + FRAME_TYPE_BYTES <= frameBytes) {
    return { frame: withHeader([lane ? FRAME_LANE_WHOLE : FRAME_WHOLE], message), offset: message.length };
  }
  if (offset === 0) {
    if (message.length > MAX_ENCODABLE_MESSAGE_BYTES) throw new RangeError(`message of ${message.length} bytes is too large to frame`);
    const first = message.subarray(0, frameBytes - FRAME_FIRST_HEADER_BYTES);
    const n = message.length;
    return { frame: withHeader([lane ? FRAME_LANE_FIRST : FRAME_FIRST, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff], first), offset: first.length };
  }
  const part = message.subarray(offset, offset + frameBytes - FRAME_TYPE_BYTES);
  return { frame: withHeader([FRAME_NEXT], part), offset: offset + part.length };
}

function withHeader(header: readonly number[], body: Uint8Array): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(header.length + body.length);
  frame.set(header, 0);
  frame.set(body, header.length);
  return frame;
}
