import { describe, expect, it } from 'vitest';
import { FRAME_FIRST, FRAME_LANE_FIRST, FRAME_LANE_WHOLE, FRAME_NEXT, FRAME_WHOLE, nextFrame } from '../../../sync/transport/chunk-frames.ts';
import { ChunkReassembler, type ReassemblyResult } from '../../../sync/transport/chunk-reassembler.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { patterned, sameBytes } from './peer-pair.ts';

function framesOf(message: Uint8Array, frameBytes: number, lane = false): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let offset = 0;
  do {
    const next = nextFrame(message, offset, frameBytes, lane);
    frames.push(next.frame);
    offset = next.offset;
  } while (offset < message.length);
  return frames;
}

function errorCode(result: ReassemblyResult): string {
  return result.kind === 'error' ? result.code : result.kind;
}

const first = (total: number, ...part: number[]) => new Uint8Array([FRAME_FIRST, total >>> 24, (total >>> 16) & 0xff, (total >>> 8) & 0xff, total & 0xff, ...part]);

describe('chunk frames', () => {
  it('round-trip messages of random sizes around the frame boundaries', () => {
    const seed = testSeed();
    console.log(`chunk frames seed ${seed} (OBSCURA_SEED=${seed} replays it)`);
    const random = seededRandom(seed);
    const reassembler = new ChunkReassembler(1 << 20);
    for (let i = 0; i < 200; i++) {
      const frameBytes = 6 + Math.floor(random() * 64);
      const size = Math.floor(random() * frameBytes * 4);
      const message = patterned(size, i);
      const frames = framesOf(message, frameBytes);
      expect(frames.every((f) => f.length <= frameBytes)).toBe(true);
      const results = frames.map((f) => reassembler.push(f));
      expect(results.slice(0, -1).every((r) => r.kind === 'partial')).toBe(true);
      const last = results.at(-1);
      expect(last?.kind).toBe('message');
      if (last?.kind === 'message') expect(sameBytes(new Uint8Array(last.data), message), `seed ${seed}, message ${i}`).toBe(true);
    }
  });

  it('a message that fits is one WHOLE frame; a longer one is FIRST with its total, then NEXT', () => {
    expect([...framesOf(new Uint8Array([9, 9]), 8)[0]!]).toEqual([FRAME_WHOLE, 9, 9]);
    const frames = framesOf(new Uint8Array(12).fill(1), 8); // 3 + 7 + 2 bytes
    expect(frames.map((f) => f[0])).toEqual([FRAME_FIRST, FRAME_NEXT, FRAME_NEXT]);
    expect([...frames[0]!.subarray(1, 5)]).toEqual([0, 0, 0, 12]);
  });
});

describe('blob lane frames', () => {
  it('lane messages (LANE_WHOLE, LANE_FIRST + NEXT) come out marked as lane, between y-webrtc messages', () => {
    const reassembler = new ChunkReassembler(1 << 20);
    const messages = [
      { bytes: patterned(100, 1), lane: false },
      { bytes: patterned(300_000, 2), lane: true },
      { bytes: patterned(200_000, 3), lane: false },
      { bytes: patterned(50, 4), lane: true },
    ];
    const types = messages.map((m) => framesOf(m.bytes, 64 * 1024, m.lane)[0]![0]);
    expect(types).toEqual([FRAME_WHOLE, FRAME_LANE_FIRST, FRAME_FIRST, FRAME_LANE_WHOLE]);
    const out = messages.flatMap((m) => framesOf(m.bytes, 64 * 1024, m.lane)).map((frame) => reassembler.push(frame)).filter((r) => r.kind === 'message');
    expect(out.map((r) => r.kind === 'message' && r.lane)).toEqual([false, true, false, true]);
    expect(out.every((r, i) => r.kind === 'message' && sameBytes(new Uint8Array(r.data), messages[i]!.bytes))).toBe(true);
  });

  it('a lane message may not begin inside another message (E_FRAME_ORDER), and obeys the size bound (E_MESSAGE_TOO_LARGE)', () => {
    const open = new ChunkReassembler(1 << 20);
    expect(open.push(framesOf(patterned(100_000, 5), 64 * 1024)[0]!).kind).toBe('partial');
    expect(errorCode(open.push(new Uint8Array([FRAME_LANE_WHOLE, 1])))).toBe('E_FRAME_ORDER');
    const bounded = new ChunkReassembler(1000);
    expect(errorCode(bounded.push(new Uint8Array([FRAME_LANE_FIRST, 0, 0, 0x10, 0, 1])))).toBe('E_MESSAGE_TOO_LARGE');
  });
});

describe('ChunkReassembler refuses what the framing never produces', () => {
  const cases: [string, string, Uint8Array[]][] = [
    ['E_FRAME_EMPTY', 'an empty frame', [new Uint8Array(0)]],
    ['E_FRAME_TYPE', 'an unknown type', [new Uint8Array([0x03, 1])]],
    ['E_FRAME_ORDER', 'NEXT without FIRST', [new Uint8Array([FRAME_NEXT, 1])]],
    ['E_FRAME_ORDER', 'WHOLE inside a message', [first(4, 1, 2), new Uint8Array([FRAME_WHOLE, 1])]],
    ['E_FRAME_ORDER', 'FIRST inside a message', [first(4, 1, 2), first(4, 1, 2)]],
    ['E_FRAME_LENGTH', 'FIRST whose total fits in it', [first(2, 1, 2)]],
    ['E_FRAME_LENGTH', 'FIRST without data', [first(4)]],
    ['E_FRAME_LENGTH', 'an empty NEXT', [first(4, 1, 2), new Uint8Array([FRAME_NEXT])]],
    ['E_FRAME_LENGTH', 'more bytes than announced', [first(4, 1, 2), new Uint8Array([FRAME_NEXT, 3, 4, 5])]],
    ['E_MESSAGE_TOO_LARGE', 'a 4 GiB announcement', [first(0xffff_ffff, 1)]],
    ['E_MESSAGE_TOO_LARGE', 'a WHOLE frame over the bound', [new Uint8Array(1026).fill(FRAME_WHOLE, 0, 1)]],
  ];
  it.each(cases)('%s: %s', (code, _what, frames) => {
    const reassembler = new ChunkReassembler(1024);
    const results = frames.map((f) => reassembler.push(f));
    expect(errorCode(results.at(-1)!)).toBe(code);
    expect(reassembler.pendingBytes).toBe(0);
    // Once refused, the stream stays refused: later frames cannot realign it.
    expect(errorCode(reassembler.push(new Uint8Array([FRAME_WHOLE, 1])))).toBe(code);
  });

  it('holds what arrived of a message, never its announced total, and joins it once complete', () => {
    const reassembler = new ChunkReassembler(1024);
    expect(reassembler.push(first(1024, 1)).kind).toBe('partial');
    expect(reassembler.pendingBytes).toBe(1);
    expect(reassembler.unfinished).toEqual({ total: 1024, filled: 1 });
    expect(reassembler.push(new Uint8Array([FRAME_NEXT, ...new Uint8Array(600).fill(2)])).kind).toBe('partial');
    expect(reassembler.pendingBytes).toBe(601);
    const done = reassembler.push(new Uint8Array([FRAME_NEXT, ...new Uint8Array(423).fill(3)]));
    expect(done.kind === 'message' && [...new Uint8Array(done.data)]).toEqual([1, ...new Array<number>(600).fill(2), ...new Array<number>(423).fill(3)]);
    expect([reassembler.pendingBytes, reassembler.unfinished]).toEqual([0, null]);
  });
});
