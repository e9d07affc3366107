import type { FrameErrorCode } from './chunk-reassembler.ts';

/** Tuning and hooks of a ChunkedDataChannel; the defaults suit y-webrtc sync. */
export interface ChunkingOptions {
  /** Largest frame handed to the real channel, header included. */
  readonly frameBytes?: number;
  /** Largest message accepted from the peer (and sent to it). */
  readonly maxMessageBytes?: number;
  /**
   * Stop handing frames to the real channel while its buffer holds this much (default 4 MiB).
   * Note: far below the 16 MiB past which Chromium closes a channel, yet enough to keep
   * a long link busy.
   */
  readonly highWaterBytes?: number;
  /** Resume when the real channel's buffer drains to this (default 1 MiB). */
  readonly lowWaterBytes?: number;
  /** Told when a peer is dropped for bad frames (for logs and counters; must not throw). */
  readonly onDrop?: (drop: ChannelDrop) => void;
}

export interface ChannelDrop {
  readonly label: string;
  readonly code: FrameErrorCode;
  readonly message: string;
}
