import type { UnfinishedMessage } from './chunk-reassembler.ts';

/** A message with no new frame for this long is given up on (E_FRAME_TIMEOUT). */
export const DEFAULT_MESSAGE_IDLE_MS = 10_000;
/** Slower than this over a whole message (after the idle allowance) is given up on too. */
export const DEFAULT_MIN_MESSAGE_BYTES_PER_SECOND = 128 * 1024;

export interface MessageDeadlineOptions {
  readonly idleMs?: number;
  readonly minBytesPerSecond?: number;
}

/**
 * When to give up on a message a peer began and did not finish: no frame for `idleMs`
 * (default 10 s), or not done by `idleMs + total / minBytesPerSecond` after its first
 * frame (default 128 KiB/s, so 64 MiB may take 8.7 minutes).
 * Note: a sender hands a message's frames over back to back, so on an open connection its
 * frames stop only while SCTP recovers from loss (2 s, measured) or when the peer stalls on
 * purpose; without a deadline, what it sent stayed held for as long as the connection lived.
 */
export class MessageDeadline {
  readonly #idleMs: number;
  readonly #minBytesPerSecond: number;
  readonly #expired: (reason: string) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFrameAt = 0;
  #deadline = 0;
  #message: UnfinishedMessage | null = null;

  constructor(options: MessageDeadlineOptions, expired: (reason: string) => void) {
    this.#idleMs = options.idleMs ?? DEFAULT_MESSAGE_IDLE_MS;
    this.#minBytesPerSecond = options.minBytesPerSecond ?? DEFAULT_MIN_MESSAGE_BYTES_PER_SECOND;
    this.#expired = expired;
  }

  /** After every frame: the message still unfinished, or null. */
  frame(unfinished: UnfinishedMessage | null): void {
    this.#message = unfinished;
    if (!unfinished) return this.stop();
    const now = performance.now();
    this.#lastFrameAt = now;
    if (this.#timer !== undefined) return;
    this.#deadline = now + this.#idleMs + (unfinished.total / this.#minBytesPerSecond) * 1000;
    this.#arm(this.#idleMs);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#message = null;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#check(), Math.max(0, ms));
  }

  #check(): void {
    this.#timer = undefined;
    const message = this.#message;
    if (!message) return;
    const now = performance.now();
    if (now - this.#lastFrameAt >= this.#idleMs) {
      this.stop();
      return this.#expired(`no frame for ${this.#idleMs} ms of an unfinished ${message.total}-byte message (${message.filled} bytes arrived)`);
    }
    if (now >= this.#deadline) {
      this.stop();
      return this.#expired(`${message.filled} of ${message.total} bytes: slower than ${this.#minBytesPerSecond} bytes/s`);
    }
    this.#arm(Math.min(this.#lastFrameAt + this.#idleMs, this.#deadline) - now);
  }
}
