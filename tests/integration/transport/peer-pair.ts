import SimplePeer from 'simple-peer/simplepeer.min.js';
import { chunkingWrtc, type WrtcImplementation } from '../../../sync/transport/chunking-wrtc.ts';
import type { ChunkingOptions } from '../../../sync/transport/chunking-options.ts';
import { nodeWrtc } from '../../helpers/node-wrtc.ts';

export { patterned } from './patterned-bytes.ts';
export { nodeWrtc };

/** Our framing over @roamhq/wrtc, as every Obscura peer runs it. */
export function chunkedNodeWrtc(options?: ChunkingOptions): WrtcImplementation {
  return chunkingWrtc(nodeWrtc, options);
}

/** Host candidates only: tests never ask a public STUN server (simple-peer's default). */
const LOCAL_ONLY: RTCConfiguration = { iceServers: [] };

export interface Endpoint {
  readonly peer: SimplePeer;
  /** Every message received, in order. */
  readonly received: Uint8Array[];
  readonly closed: Promise<void>;
  /** Resolves once `count` messages have arrived in all. */
  receivedCount(count: number): Promise<Uint8Array[]>;
}

/**
 * Two simple-peer peers (the build y-webrtc runs) connected directly: signal data is
 * handed across in this process, as the signaling server would.
 */
export async function connectPair(wrtcA: WrtcImplementation, wrtcB: WrtcImplementation): Promise<[Endpoint, Endpoint]> {
  const a = endpoint(new SimplePeer({ initiator: true, wrtc: wrtcA, config: LOCAL_ONLY }));
  const b = endpoint(new SimplePeer({ wrtc: wrtcB, config: LOCAL_ONLY }));
  a.peer.on('signal', (data) => b.peer.signal(data));
  b.peer.on('signal', (data) => a.peer.signal(data));
  await Promise.all([connected(a.peer), connected(b.peer)]);
  return [a, b];
}

function connected(peer: SimplePeer): Promise<void> {
  return new Promise((resolve, reject) => {
    peer.once('connect', resolve);
    peer.once('close', () => reject(new Error('peer closed before it connected')));
  });
}

function endpoint(peer: SimplePeer): Endpoint {
  const received: Uint8Array[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  // simple-peer re-emits channel errors; a dropped peer must not fail the test process.
  peer.on('error', () => {});
  peer.on('data', (data) => {
    received.push(data);
    for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
  });
  const closed = new Promise<void>((resolve) => peer.once('close', resolve));
  return {
    peer,
    received,
    closed,
    receivedCount: (count) =>
      received.length >= count
        ? Promise.resolve(received)
        : new Promise((resolve) => waiters.push({ count, resolve: () => resolve(received) })),
  };
}

/** Byte-exact comparison that stays fast for 20 MiB (expect().toEqual walks every byte). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Rejects after `ms`, so a message that never arrives fails with a reason, not a test timeout. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
