import { DEFAULT_FRAME_BYTES, DEFAULT_MAX_MESSAGE_BYTES, nextFrame } from './chunk-frames.ts';
import { ChunkReassembler } from './chunk-reassembler.ts';
import type { ChannelDrop, ChunkingOptions, LaneChannel } from './chunking-options.ts';
import { MessageDeadline } from './message-deadline.ts';
import { pageBudget, type BudgetHolder, type PeerByteBudget } from './peer-byte-budget.ts';

const DRAIN_POLL_MS = 10;
const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;

type Handler<E extends Event> = ((this: RTCDataChannel, ev: E) => unknown) | null;

/**
 * An RTCDataChannel that carries messages of any size over a real one, in the frames of
 * `chunk-frames.ts`; both ends must use it. Messages are queued and handed to the real
 * channel a frame at a time while its buffer is under the high-water mark.
 * Note: the high-water mark (see ChunkingOptions) keeps the real buffer small, far below
 * the 16 MiB past which Chromium closes a channel; `bufferedAmount` here counts queued
 * bytes too, so simple-peer's own back-pressure still works. Bad frames close the channel (simple-peer then destroys
 * the peer, y-webrtc forgets it) and never throw into the caller.
 * Only binary messages: y-webrtc sends nothing else. close() discards unsent messages.
 * Note: the blob lane (sendLane, LANE_* frames) shares the queue, framing and checks; its
 * messages go to the lane's receiver, never to `onmessage`, so y-webrtc does not see them.
 * Note: everything a peer can make us hold is bounded (PROTOCOL.md "Peer-to-peer
 * transport"): a message being reassembled by the bytes that arrived, its time by a
 * MessageDeadline, the queue behind the message in flight by maxQueuedBytes, and both
 * together, over every channel of the page, by one PeerByteBudget.
 */
export class ChunkedDataChannel extends EventTarget implements RTCDataChannel, LaneChannel {
  onopen: Handler<Event> = null;
  onclose: Handler<Event> = null;
  onclosing: Handler<Event> = null;
  onerror: Handler<RTCErrorEvent> = null;
  onmessage: Handler<MessageEvent> = null;
  onbufferedamountlow: Handler<Event> = null;
  /** Why this channel was dropped, if it was. */
  dropped: ChannelDrop | null = null;

  private readonly queue: { readonly bytes: Uint8Array; readonly lane: boolean }[] = [];
  private laneReceiver: ((message: Uint8Array) => void) | null = null;
  private offset = 0;
  private queuedBytes = 0;
  private lowThreshold = 0;
  private lowArmed = false;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  /** Lane senders waiting for the buffer to drain (whenDrained). */
  private readonly drainWaiters: ((open: boolean) => void)[] = [];
  private readonly reassembler: ChunkReassembler;
  private readonly frameBytes: number;
  private readonly maxMessageBytes: number;
  private readonly highWater: number;
  private readonly lowWater: number;
  private readonly maxQueued: number;
  /** whenDrained's mark: a few frames, so the real channel never waits for the next piece. */
  private readonly laneWater: number;
  private readonly budget: PeerByteBudget;
  private readonly holder: BudgetHolder = {
    evict: () => this.drop({ label: this.label, code: 'E_PEER_BUDGET', message: `the page's peer budget is spent and this peer held the most (${this.heldBytes()} bytes)` }),
  };
  private readonly deadline: MessageDeadline;

  constructor(
    private readonly raw: RTCDataChannel,
    private readonly options: ChunkingOptions = {},
  ) {
    super();
    this.frameBytes = options.frameBytes ?? DEFAULT_FRAME_BYTES;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.highWater = options.highWaterBytes ?? 64 * 1024;
    this.lowWater = options.lowWaterBytes ?? 16 * 1024;
    this.maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.laneWater = 4 * this.highWater;
    this.reassembler = new ChunkReassembler(this.maxMessageBytes);
    this.budget = options.budget ?? pageBudget;
    this.deadline = new MessageDeadline(
      { ...(options.messageIdleMs === undefined ? {} : { idleMs: options.messageIdleMs }), ...(options.minMessageBytesPerSecond === undefined ? {} : { minBytesPerSecond: options.minMessageBytesPerSecond }) },
      (reason) => this.drop({ label: this.label, code: 'E_FRAME_TIMEOUT', message: reason }),
    );
    // on<type> handlers run as the first listener of their type, as on a real channel.
    for (const type of ['open', 'close', 'closing', 'error', 'message', 'bufferedamountlow'] as const) {
      this.addEventListener(type, (event) => (this[`on${type}`] as Handler<Event>)?.call(this, event));
    }
    raw.binaryType = 'arraybuffer';
    raw.bufferedAmountLowThreshold = this.lowWater;
    raw.onopen = () => this.dispatchEvent(new Event('open'));
    raw.onclosing = () => this.dispatchEvent(new Event('closing'));
    raw.onclose = () => {
      this.discardQueue();
      this.forgetIncoming();
      this.dispatchEvent(new Event('close'));
    };
    raw.onerror = (event) => this.dispatchEvent(errorEvent(event.error));
    raw.onmessage = (event) => this.receive(event.data);
    raw.onbufferedamountlow = () => this.pump();
    options.onLaneChannel?.(this);
  }

  get label(): string { return this.raw.label; }
  get id(): number | null { return this.raw.id; }
  get ordered(): boolean { return this.raw.ordered; }
  get protocol(): string { return this.raw.protocol; }
  get negotiated(): boolean { return this.raw.negotiated; }
  get maxPacketLifeTime(): number | null { return this.raw.maxPacketLifeTime; }
  get maxRetransmits(): number | null { return this.raw.maxRetransmits; }
  get readyState(): RTCDataChannelState { return this.raw.readyState; }
  get bufferedAmount(): number { return this.raw.bufferedAmount + this.queuedBytes - this.offset; }
  get bufferedAmountLowThreshold(): number { return this.lowThreshold; }
  set bufferedAmountLowThreshold(value: number) { this.lowThreshold = value; }
  get binaryType(): BinaryType { return 'arraybuffer'; }
  set binaryType(value: BinaryType) {
    if (value !== 'arraybuffer') throw new TypeError('ChunkedDataChannel delivers ArrayBuffers only');
  }

  send(data: string | Blob | ArrayBuffer | ArrayBufferView): void {
    if (this.raw.readyState !== 'open') throw new DOMException('data channel is not open', 'InvalidStateError');
    if (typeof data === 'string' || !(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
      throw new TypeError('ChunkedDataChannel sends binary messages only');
    }
    // A copy, as a real send() makes: the caller may reuse its buffer once send returns.
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data.slice(0)) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    if (bytes.length > this.maxMessageBytes) {
      throw new TypeError(`message of ${bytes.length} bytes exceeds the ${this.maxMessageBytes}-byte bound`);
    }
    // Past maxQueuedBytes the peer is dropped and the channel closes, as a real one does
    // when its buffer overflows; nothing is thrown into y-webrtc.
    this.enqueue(bytes, false);
  }

  sendLane(message: Uint8Array): boolean {
    if (this.raw.readyState !== 'open' || this.dropped) return false;
    if (message.length > this.maxMessageBytes) throw new RangeError(`lane message of ${message.length} bytes exceeds the ${this.maxMessageBytes}-byte bound`);
    return this.enqueue(message.slice(), true);
  }

  setLaneReceiver(receiver: ((message: Uint8Array) => void) | null): void {
    this.laneReceiver = receiver;
  }

  /**
   * Resolves true once what this channel holds to send (queued and in the real buffer) is
   * at most four times the high-water mark (256 KiB), false if it closes first.
   * Note: the blob lane sends each piece only after this, so what a peer asks for is read
   * from the store as the network takes it, never queued far ahead (PROTOCOL.md "Blob
   * lane"). Four frames keep the real channel fed while the next piece is read; with one,
   * lane throughput between two Node peers halved.
   */
  whenDrained(): Promise<boolean> {
    if (this.raw.readyState !== 'open' || this.dropped) return Promise.resolve(false);
    if (this.bufferedAmount <= this.laneWater) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve);
      this.pump();
    });
  }

  /** False if the peer was dropped instead: it made us queue too much for it. */
  private enqueue(bytes: Uint8Array, lane: boolean): boolean {
    const behind = this.queuedBytes - (this.queue[0]?.bytes.length ?? 0);
    if (this.queue.length > 0 && behind + bytes.length > this.maxQueued) {
      this.drop({ label: this.label, code: 'E_SEND_QUEUE_FULL', message: `${behind + bytes.length} bytes would wait behind the message in flight (bound ${this.maxQueued})` });
      return false;
    }
    if (!this.budget.claim(this.holder, this.heldBytes() + bytes.length)) {
      this.holder.evict();
      return false;
    }
    this.queue.push({ bytes, lane });
    this.queuedBytes += bytes.length;
    if (this.bufferedAmount > this.lowThreshold) this.lowArmed = true;
    this.pump();
    return true;
  }

  close(): void {
    this.discardQueue();
    this.forgetIncoming();
    this.raw.close();
  }

  /** Bytes held for this peer: queued to send, and of the message being reassembled. */
  private heldBytes(): number {
    return this.queuedBytes + this.reassembler.pendingBytes;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      if (this.raw.readyState !== 'open') return;
      if (this.raw.bufferedAmount >= this.highWater) {
        this.wakeDrainWaiters();
        return this.waitForDrain(this.lowWater);
      }
      const { bytes: message, lane } = this.queue[0]!;
      const next = nextFrame(message, this.offset, this.frameBytes, lane);
      try {
        this.raw.send(next.frame);
      } catch {
        // The channel failed under us (closing, or its buffer overflowed): its close event follows.
        this.discardQueue();
        return;
      }
      this.offset = next.offset;
      if (this.offset === message.length) {
        this.queue.shift();
        this.queuedBytes -= message.length;
        this.offset = 0;
        this.budget.set(this.holder, this.heldBytes());
      }
    }
    this.wakeDrainWaiters();
    if (!this.lowArmed) return;
    if (this.bufferedAmount <= this.lowThreshold) {
      this.lowArmed = false;
      this.dispatchEvent(new Event('bufferedamountlow'));
    } else {
      // Only the real buffer is left: have it tell us when it is down to the caller's mark.
      this.waitForDrain(Math.min(this.lowWater, this.lowThreshold));
    }
  }

  private wakeDrainWaiters(): void {
    if (this.drainWaiters.length === 0) return;
    if (this.bufferedAmount > this.laneWater) return this.waitForDrain(this.lowWater);
    this.drainWaiters.splice(0).forEach((resolve) => resolve(true));
  }

  /**
   * Pump again once the real buffer drains to `threshold`.
   * Note: @roamhq/wrtc never fires bufferedamountlow (measured), so a short timer backs up
   * the event; pumping early is harmless, it only rechecks the buffer. While a lane sender
   * waits (whenDrained) it polls every millisecond, or each piece would wait 10 ms.
   */
  private waitForDrain(threshold: number): void {
    this.raw.bufferedAmountLowThreshold = threshold;
    this.drainTimer ??= setTimeout(() => {
      this.drainTimer = undefined;
      this.pump();
    }, this.drainWaiters.length > 0 ? 1 : DRAIN_POLL_MS);
  }

  private receive(data: unknown): void {
    if (this.dropped) return;
    const frame = asBytes(data);
    if (frame && !this.budget.claim(this.holder, this.heldBytes() + frame.length)) return this.holder.evict();
    const result = frame ? this.reassembler.push(frame) : ({ kind: 'error', code: 'E_FRAME_NOT_BINARY', message: `a ${typeof data} frame` } as const);
    this.budget.set(this.holder, this.heldBytes());
    this.deadline.frame(this.reassembler.unfinished);
    if (result.kind === 'message' && result.lane) this.deliverLane(new Uint8Array(result.data));
    else if (result.kind === 'message') this.deliver(result.data);
    else if (result.kind === 'error') this.drop({ label: this.label, code: result.code, message: result.message });
  }

  private deliver(data: ArrayBuffer): void {
    const refused = this.options.refuse?.(new Uint8Array(data));
    if (refused === undefined) this.dispatchEvent(new MessageEvent('message', { data }));
    else this.drop({ label: this.label, code: 'E_MESSAGE_REFUSED', message: refused });
  }

  private deliverLane(message: Uint8Array): void {
    try {
      this.laneReceiver?.(message);
    } catch {
      // The lane's receiver validates and drops its own peers; nothing reaches the real channel.
    }
  }

  private drop(drop: ChannelDrop): void {
    if (this.dropped) return;
    this.dropped = drop;
    this.discardQueue();
    this.forgetIncoming();
    try {
      this.options.onDrop?.(drop);
    } catch {
      // A logging hook must not keep a bad peer connected, nor throw into the real channel.
    }
    this.raw.close();
  }

  private forgetIncoming(): void {
    this.deadline.stop();
    this.reassembler.discard();
    this.budget.set(this.holder, this.heldBytes());
  }

  private discardQueue(): void {
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.offset = 0;
    this.drainWaiters.splice(0).forEach((resolve) => resolve(false));
    this.budget.set(this.holder, this.heldBytes());
  }
}

function asBytes(data: unknown): Uint8Array | null {
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

/** RTCErrorEvent has no constructor in Node; simple-peer reads only `.error`. */
function errorEvent(error: unknown): RTCErrorEvent {
  const event = new Event('error');
  Object.defineProperty(event, 'error', { value: error instanceof Error ? error : new Error(String(error)) });
  return event as RTCErrorEvent;
}
