import { afterEach } from 'vitest';
import { encodeLaneMessage, type LaneMessage } from '../../../sync/blob/blob-lane-messages.ts';
import { createBlobSync, type BlobSync, type BlobSyncOptions } from '../../../sync/blob/blob-sync.ts';
import type { BlobStore } from '../../../sync/blob/blob-store.ts';
import { createBlobLane, type BlobLane } from '../../../sync/transport/blob-lane.ts';
import { DEFAULT_FRAME_BYTES, nextFrame } from '../../../sync/transport/chunk-frames.ts';
import { ChunkedDataChannel } from '../../../sync/transport/chunked-data-channel.ts';
import type { ChunkingOptions, LaneChannel } from '../../../sync/transport/chunking-options.ts';
import { PeerByteBudget } from '../../../sync/transport/peer-byte-budget.ts';
import { newStore, ROOM } from '../blob-sync/blob-sync-harness.ts';
import { chunkedNodeWrtc, connectPair, nodeWrtc, type Endpoint } from '../transport/peer-pair.ts';

/**
 * The hostile-peer harness (issue 18 §6): a real client, the **victim** (a BlobStore, the
 * blob lane and blob sync of one room, behind our chunked data channels over @roamhq/wrtc,
 * as replicateBox wires them), and scripted peers that reach it over that same transport.
 * Memory is read from the victim's real objects: its own PeerByteBudget (the default limit,
 * counting only its channels: queued to send and being reassembled), what its channels hold
 * queued or in the real buffer (`bufferedAmount`), and the process's ArrayBuffer bytes.
 */
export interface Victim {
  readonly store: BlobStore;
  readonly lane: BlobLane;
  readonly blobs: BlobSync;
  /** What the victim's channels hold for peers, together (the page's budget, of its own). */
  readonly budget: PeerByteBudget;
  /** Every chunked channel the victim made, in order. */
  readonly channels: ChunkedDataChannel[];
  /** The victim's side of every connection made with `connectToVictim`. */
  readonly chunking: ChunkingOptions;
}

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((cleanup) => cleanup()));

/** Runs after the current test, in reverse order of registration. */
export function afterTest(cleanup: () => void): void {
  cleanups.push(cleanup);
}

export function victim(options: Partial<BlobSyncOptions> & { readonly chunking?: ChunkingOptions } = {}): Victim {
  const store = options.store ?? newStore();
  const lane = createBlobLane();
  const channels: ChunkedDataChannel[] = [];
  const budget = options.chunking?.budget ?? new PeerByteBudget();
  const chunking: ChunkingOptions = {
    ...options.chunking,
    budget,
    onLaneChannel: (channel: LaneChannel) => {
      if (channel instanceof ChunkedDataChannel) channels.push(channel);
      lane.attach(channel);
    },
  };
  const blobs = createBlobSync({ roomId: ROOM, ...options, store, lane });
  afterTest(() => {
    blobs.destroy();
    lane.destroy();
  });
  return { store, lane, blobs, budget, channels, chunking };
}

/** A peer that speaks the frames itself: it can send anything, and reads nothing unless asked. */
export interface RawPeer {
  readonly endpoint: Endpoint;
  /** One data-channel message, as it is: a frame, or garbage. */
  sendFrame(frame: Uint8Array): void;
  /** A blob-lane message, framed as our channels frame it (LANE_WHOLE, or LANE_FIRST and NEXTs). */
  sendLane(message: LaneMessage | Uint8Array): void;
  /**
   * `frame`, `times` times, as fast as the connection takes it (the real channel closes
   * past 16 MiB buffered); resolves when all are handed over.
   */
  sendRepeatedly(frame: Uint8Array, times: number): Promise<void>;
}

export async function rawPeer(target: Victim): Promise<RawPeer> {
  const [endpoint] = await connectPair(nodeWrtc, chunkedNodeWrtc(target.chunking));
  afterTest(() => endpoint.peer.destroy());
  const sendFrame = (frame: Uint8Array) => endpoint.peer.send(frame);
  return {
    endpoint,
    sendFrame,
    sendLane(message) {
      const bytes = message instanceof Uint8Array ? message : encodeLaneMessage(message);
      let offset = 0;
      do {
        const next = nextFrame(bytes, offset, DEFAULT_FRAME_BYTES, true);
        sendFrame(next.frame);
        offset = next.offset;
      } while (offset < bytes.length);
    },
    async sendRepeatedly(frame, times) {
      for (let i = 0; i < times && !endpoint.peer.destroyed; i++) {
        while (endpoint.peer.bufferSize > 1024 * 1024 && !endpoint.peer.destroyed) await sleep(2);
        try {
          sendFrame(frame);
        } catch {
          return; // the victim closed the channel
        }
      }
    },
  };
}

/** A peer that runs our chunking and its own blob lane: honest code, or a script on its lane. */
export interface LanePeer {
  readonly lane: BlobLane;
  readonly endpoint: Endpoint;
}

export async function lanePeer(target: Victim): Promise<LanePeer> {
  const lane = createBlobLane();
  const [endpoint] = await connectPair(chunkedNodeWrtc({ onLaneChannel: lane.attach }), chunkedNodeWrtc(target.chunking));
  afterTest(() => {
    endpoint.peer.destroy();
    lane.destroy();
  });
  return { lane, endpoint };
}

/** An honest device on a lane peer: its own store and blob sync. */
export function honestDevice(peer: LanePeer, options: Partial<BlobSyncOptions> = {}): { store: BlobStore; blobs: BlobSync } {
  const store = options.store ?? newStore();
  const blobs = createBlobSync({ roomId: ROOM, ...options, store, lane: peer.lane });
  afterTest(() => blobs.destroy());
  return { store, blobs };
}

/** Peak of what the victim's channels hold to send (queued plus the real buffer), sampled every 2 ms. */
export function sampleQueued(target: Victim): { peak: () => number; now: () => number; stop: () => void } {
  const now = () => target.channels.reduce((sum, channel) => sum + (channel.readyState === 'open' ? channel.bufferedAmount : 0), 0);
  let peak = 0;
  const timer = setInterval(() => void (peak = Math.max(peak, now())), 2);
  const stop = () => clearInterval(timer);
  afterTest(stop);
  return { peak: () => Math.max(peak, now()), now, stop };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
