import type { FrameErrorCode } from './chunk-reassembler.ts';
import type { PeerByteBudget } from './peer-byte-budget.ts';

/** Tuning and hooks of a ChunkedDataChannel; the defaults suit y-webrtc sync. */
export interface ChunkingOptions {
  /** Largest frame handed to the real channel, header included. */
  readonly frameBytes?: number;
  /** Largest message accepted from the peer (and sent to it). */
  readonly maxMessageBytes?: number;
  /**
   * Stop handing frames to the real channel while its buffer holds this much (default 64 KiB).
   * Note: measured between two Chromium contexts, a fresh connection given a 3 MiB burst
   * stalls in SCTP loss recovery (high-water 4 MiB: 1.9 s; 256 KiB: 1.6 s; 128 KiB: 0.3-0.8 s;
   * 64 KiB: 0.15 s), while warm throughput is the same (~20 MiB/s). The buffer counts bytes
   * not yet sent, not bytes in flight, so a small mark does not cap a long link's window.
   */
  readonly highWaterBytes?: number;
  /** Resume when the real channel's buffer drains to this (default 16 KiB). */
  readonly lowWaterBytes?: number;
  /**
   * Most bytes queued behind the message being sent before the peer is dropped
   * (E_SEND_QUEUE_FULL; default 16 MiB, where Chromium closes a channel's own buffer).
   * Note: y-webrtc answers every sync step 1 with all the box the asker lacks, so a peer
   * that keeps asking makes us queue the box again and again (50 asks: 156 MiB for a 4 MiB
   * box). One message of any allowed size may always be in flight; what waits behind it
   * is capped.
   */
  readonly maxQueuedBytes?: number;
  /** Give up on a message with no frame for this long (E_FRAME_TIMEOUT; default 10 s, message-deadline.ts). */
  readonly messageIdleMs?: number;
  /** Give up on a message slower than this after the idle allowance (default 128 KiB/s). */
  readonly minMessageBytesPerSecond?: number;
  /** What all channels together may hold for peers (default: the page's one, 128 MiB; peer-byte-budget.ts). */
  readonly budget?: PeerByteBudget;
  /** Told when a peer is dropped for bad frames or a bound (for logs and counters; must not throw). */
  readonly onDrop?: (drop: ChannelDrop) => void;
  /**
   * Why a whole message for y-webrtc must not reach it, or undefined: checked before y-webrtc
   * applies it, and a refused one drops the peer (`E_MESSAGE_REFUSED`; the box check is
   * sync/replication/peer-message-check.ts). Must not throw.
   */
  readonly refuse?: (message: Uint8Array) => string | undefined;
  /** Handed every chunked channel as it is made, to carry the side lane (see blob-lane.ts). */
  readonly onLaneChannel?: (channel: LaneChannel) => void;
}

/** The side lane of one chunked data channel: messages that never reach y-webrtc. */
export interface LaneChannel {
  readonly readyState: RTCDataChannelState;
  /** Queues a lane message behind whatever the channel is sending; false if it is not open. */
  sendLane(message: Uint8Array): boolean;
  /** True once what the channel holds to send is down to four high-water marks (256 KiB); false if it closed. */
  whenDrained(): Promise<boolean>;
  /** Who gets the peer's lane messages (null: they are discarded). */
  setLaneReceiver(receiver: ((message: Uint8Array) => void) | null): void;
  addEventListener(type: 'open' | 'close', listener: () => void): void;
}

/** Why we dropped a peer that framed correctly: it made us hold too much for it, or too long. */
export type ChannelLimitCode =
  | 'E_SEND_QUEUE_FULL' // more queued to send to it than maxQueuedBytes behind the message in flight
  | 'E_FRAME_TIMEOUT' // a message it began and did not finish in time (MessageDeadline)
  | 'E_PEER_BUDGET' // the page's budget is spent and this peer held the most
  | 'E_MESSAGE_REFUSED'; // a message that framed well but that the channel's owner refuses (ChunkingOptions.refuse)

export interface ChannelDrop {
  readonly label: string;
  readonly code: FrameErrorCode | ChannelLimitCode;
  readonly message: string;
}
