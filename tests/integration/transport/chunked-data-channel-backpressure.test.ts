import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChunkedDataChannel } from '../../../sync/transport/chunked-data-channel.ts';
import type { ChannelDrop, ChunkingOptions } from '../../../sync/transport/chunking-options.ts';
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

function slowPair(extra: ChunkingOptions = {}): [SlowChannel, ChunkedDataChannel] {
  const raw = new SlowChannel();
  // The fake implements what ChunkedDataChannel touches; the rest of RTCDataChannel is unused.
  return [raw, new ChunkedDataChannel(raw as unknown as RTCDataChannel, { ...options, ...extra })];
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

  it('E_SEND_QUEUE_FULL: one message of any allowed size may be in flight, but more than maxQueuedBytes behind it drops the peer', () => {
    const drops: ChannelDrop[] = [];
    const [raw, channel] = slowPair({ maxQueuedBytes: 256 * KiB, onDrop: (drop) => void drops.push(drop) });
    channel.send(patterned(1024 * KiB, 5));
    channel.send(patterned(200 * KiB, 6));
    channel.send(patterned(56 * KiB, 7));
    expect(drops).toEqual([]);
    channel.send(new Uint8Array(1));
    expect(drops.map((drop) => drop.code)).toEqual(['E_SEND_QUEUE_FULL']);
    // Dropped: the queue is gone and the channel closed; later sends are refused as on a closed channel.
    expect(channel.bufferedAmount).toBe(raw.bufferedAmount);
    expect(raw.readyState).toBe('closed');
    expect(channel.sendLane(new Uint8Array(1))).toBe(false);
  });

  it('whenDrained: resolves once what the channel holds is down to four times the high-water mark, false when it closes first', async () => {
    const [raw, channel] = slowPair();
    const mark = 4 * options.highWaterBytes;
    expect(await channel.whenDrained()).toBe(true);
    channel.send(patterned(1024 * KiB, 8));
    let drained: boolean | undefined;
    void channel.whenDrained().then((value) => (drained = value));
    while (channel.bufferedAmount > mark + 8 * KiB) raw.drain(8 * KiB);
    await Promise.resolve();
    expect(drained).toBeUndefined();
    while (channel.bufferedAmount > mark) raw.drain(8 * KiB);
    await vi.waitFor(() => expect(drained).toBe(true));
    channel.send(patterned(1024 * KiB, 9));
    const closing = channel.whenDrained();
    channel.close();
    expect(await closing).toBe(false);
  });
});
