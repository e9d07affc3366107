import type { FrameErrorCode } from './chunk-reassembler.ts';

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
  /** Told when a peer is dropped for bad frames (for logs and counters; must not throw). */
  readonly onDrop?: (drop: ChannelDrop) => void;
}

export interface ChannelDrop {
  readonly label: string;
  readonly code: FrameErrorCode;
  readonly message: string;
}
