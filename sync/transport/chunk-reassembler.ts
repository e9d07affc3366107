import {
  DEFAULT_MAX_MESSAGE_BYTES,
  FRAME_FIRST,
  FRAME_FIRST_HEADER_BYTES,
  FRAME_LANE_FIRST,
  FRAME_LANE_WHOLE,
  FRAME_NEXT,
  FRAME_TYPE_BYTES,
  FRAME_WHOLE,
} from './chunk-frames.ts';

/** Why a peer's frames were refused. Any of them ends the connection to that peer. */
export type FrameErrorCode =
  | 'E_FRAME_NOT_BINARY' // a text (or unknown) message where only binary frames may be
  | 'E_FRAME_EMPTY' // zero bytes, so no type byte
  | 'E_FRAME_TYPE' // a type byte we do not know
  | 'E_FRAME_ORDER' // NEXT without FIRST, or WHOLE/FIRST while a message is unfinished
  | 'E_FRAME_LENGTH' // a total that should have been WHOLE, an empty part, or more bytes than announced
  | 'E_MESSAGE_TOO_LARGE'; // a total over the receiver's bound

export type ReassemblyResult =
  /** `lane`: a message of the side lane (LANE_WHOLE/LANE_FIRST), not for y-webrtc. */
  | { readonly kind: 'message'; readonly data: ArrayBuffer; readonly lane: boolean }
  | { readonly kind: 'partial' }
  | { readonly kind: 'error'; readonly code: FrameErrorCode; readonly message: string };

const PARTIAL: ReassemblyResult = { kind: 'partial' };

/** The message being reassembled: its announced total and the bytes that arrived. */
export interface UnfinishedMessage {
  readonly total: number;
  readonly filled: number;
}

/**
 * Turns the frames of `chunk-frames.ts` back into messages, one frame at a time.
 * Everything off the wire is checked here; after the first error every later frame is
 * refused too, because the stream can no longer be trusted to line up.
 * Note: a message's parts are kept as they arrive and joined once it is complete, so what
 * is held is what the peer sent, never what it announced (allocating the announced total
 * let one 6-byte frame cost 64 MiB). `push` keeps views of the frames it is given: the
 * caller must not reuse them.
 */
export class ChunkReassembler {
  private parts: Uint8Array[] = [];
  private total = 0;
  private filled = 0;
  private lane = false;
  private failed: ReassemblyResult | null = null;

  constructor(private readonly maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** Bytes held for an unfinished message (what arrived of it so far). */
  get pendingBytes(): number {
    return this.filled;
  }

  get unfinished(): UnfinishedMessage | null {
    return this.total > 0 ? { total: this.total, filled: this.filled } : null;
  }

  push(frame: Uint8Array): ReassemblyResult {
    if (this.failed) return this.failed;
    const result = this.read(frame);
    if (result.kind === 'error') {
      this.failed = result;
      this.discard();
    }
    return result;
  }

  /** Forgets an unfinished message (its peer was dropped or left). */
  discard(): void {
    this.parts = [];
    this.total = 0;
    this.filled = 0;
  }

  private read(frame: Uint8Array): ReassemblyResult {
    if (frame.length === 0) return fail('E_FRAME_EMPTY', 'empty frame');
    const type = frame[0];
    if (type === FRAME_NEXT) return this.readNext(frame.subarray(FRAME_TYPE_BYTES));
    const lane = type === FRAME_LANE_WHOLE || type === FRAME_LANE_FIRST;
    if (type !== FRAME_WHOLE && type !== FRAME_FIRST && !lane) return fail('E_FRAME_TYPE', `unknown frame type ${type}`);
    if (this.total > 0) return fail('E_FRAME_ORDER', 'a new message began before the last one was complete');
    if (type === FRAME_WHOLE || type === FRAME_LANE_WHOLE) {
      if (frame.length - FRAME_TYPE_BYTES > this.maxMessageBytes) return tooLarge(frame.length - FRAME_TYPE_BYTES, this.maxMessageBytes);
      return { kind: 'message', data: frame.slice(FRAME_TYPE_BYTES).buffer, lane };
    }
    if (frame.length <= FRAME_FIRST_HEADER_BYTES) return fail('E_FRAME_LENGTH', 'FIRST frame without data');
    const total = new DataView(frame.buffer, frame.byteOffset + FRAME_TYPE_BYTES, 4).getUint32(0, false);
    const part = frame.subarray(FRAME_FIRST_HEADER_BYTES);
    if (total > this.maxMessageBytes) return tooLarge(total, this.maxMessageBytes);
    if (total <= part.length) return fail('E_FRAME_LENGTH', `FIRST frame announces ${total} bytes but carries ${part.length}`);
    this.total = total;
    this.lane = lane;
    this.parts = [part];
    this.filled = part.length;
    return PARTIAL;
  }

  private readNext(part: Uint8Array): ReassemblyResult {
    if (this.total === 0) return fail('E_FRAME_ORDER', 'NEXT frame without a message in progress');
    if (part.length === 0) return fail('E_FRAME_LENGTH', 'empty NEXT frame');
    if (this.filled + part.length > this.total) {
      return fail('E_FRAME_LENGTH', `message announced ${this.total} bytes but more arrived`);
    }
    this.parts.push(part);
    this.filled += part.length;
    if (this.filled < this.total) return PARTIAL;
    const message = new Uint8Array(this.total);
    let offset = 0;
    for (const piece of this.parts) {
      message.set(piece, offset);
      offset += piece.length;
    }
    this.discard();
    return { kind: 'message', data: message.buffer, lane: this.lane };
  }
}

function fail(code: FrameErrorCode, message: string): ReassemblyResult {
  return { kind: 'error', code, message };
}

function tooLarge(bytes: number, max: number): ReassemblyResult {
  return fail('E_MESSAGE_TOO_LARGE', `message of ${bytes} bytes exceeds the ${max}-byte bound`);
}
