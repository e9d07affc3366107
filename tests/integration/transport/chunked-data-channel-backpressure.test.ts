import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChunkedDataChannel } from '../../../sync/transport/chunked-data-channel.ts';
import { patterned } from './patterned-bytes.ts';

/**
 * A data channel whose buffer drains only when the test says so, to check the sender's
 * back-pressure deterministically (a real channel drains too fast on loopback to tell).
 */
class SlowChannel {
  label = 'slow';
  readyState: RTCDataChannelState = 'open';
  binaryType = 'blob';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  maxSeen = 0;
  readonly sent: Uint8Array[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onclosing: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: (() => void) | null = null;
  onbufferedamountlow: (() => void) | null = null;

  send(frame: Uint8Array): void {
    this.sent.push(frame);
    this.bufferedAmount += frame.length;
    this.maxSeen = Math.max(this.maxSeen, this.bufferedAmount);
  }
  /** The network takes `bytes`; fires bufferedamountlow as a browser does. */
  drain(bytes: number): void {
    const before = this.bufferedAmount;
    this.bufferedAmount = Math.max(0, before - bytes);
    if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold) this.onbufferedamountlow?.();
  }
  close(): void {
    this.readyState = 'closed';
  }
}

const KiB = 1024;
const options = { frameBytes: 16 * KiB, highWaterBytes: 64 * KiB, lowWaterBytes: 16 * KiB };

function slowPair(): [SlowChannel, ChunkedDataChannel] {
  const raw = new SlowChannel();
  // The fake implements what ChunkedDataChannel touches; the rest of RTCDataChannel is unused.
  return [raw, new ChunkedDataChannel(raw as unknown as RTCDataChannel, options)];
}

afterEach(() => vi.useRealTimers());

describe('ChunkedDataChannel back-pressure', () => {
  it('never fills the real buffer past the high-water mark, and resumes as it drains', () => {
    const [raw, channel] = slowPair();
    channel.send(patterned(1024 * KiB, 1));
    expect(raw.maxSeen).toBeLessThan(options.highWaterBytes + options.frameBytes);
    expect(channel.bufferedAmount).toBeGreaterThan(1024 * KiB - raw.bufferedAmount);
    while (raw.bufferedAmount > 0) raw.drain(8 * KiB);
    expect(raw.maxSeen).toBeLessThan(options.highWaterBytes + options.frameBytes);
    expect(channel.bufferedAmount).toBe(0);
    const bytes = raw.sent.reduce((sum, f) => sum + f.length, 0);
    expect(bytes - 1024 * KiB).toBe(4 + raw.sent.length); // one type byte a frame, a u32 total in the first
  });

  it('keeps going on its timer where the real channel never fires bufferedamountlow (@roamhq/wrtc)', () => {
    vi.useFakeTimers();
    const [raw, channel] = slowPair();
    raw.onbufferedamountlow = null;
    raw.drain = function (bytes: number) {
      this.bufferedAmount = Math.max(0, this.bufferedAmount - bytes);
    };
    channel.send(patterned(256 * KiB, 2));
    const before = raw.sent.length;
    raw.drain(64 * KiB);
    expect(raw.sent.length).toBe(before);
    vi.advanceTimersByTime(20);
    expect(raw.sent.length).toBeGreaterThan(before);
  });

  it('fires its own bufferedamountlow once everything queued is down to the caller\'s threshold', () => {
    const [raw, channel] = slowPair();
    let low = 0;
    channel.bufferedAmountLowThreshold = 4 * KiB;
    channel.onbufferedamountlow = () => void low++;
    channel.send(patterned(200 * KiB, 3));
    while (raw.bufferedAmount > 6 * KiB) raw.drain(2 * KiB);
    expect(low).toBe(0);
    while (raw.bufferedAmount > 0) raw.drain(2 * KiB);
    expect(low).toBe(1);
  });

  it('refuses to send on a channel that is not open, as a real one does', () => {
    const [raw, channel] = slowPair();
    raw.readyState = 'closed';
    expect(() => channel.send(new Uint8Array(1))).toThrow(/not open/);
  });

  it('discards what it has not handed over when closed', () => {
    const [raw, channel] = slowPair();
    channel.send(patterned(512 * KiB, 4));
    channel.close();
    expect(channel.bufferedAmount).toBe(raw.bufferedAmount);
    expect(raw.readyState).toBe('closed');
  });
});
