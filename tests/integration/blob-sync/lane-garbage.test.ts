import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { encodeLaneMessage } from '../../../sync/blob/blob-lane-messages.ts';
import { createBlobSync } from '../../../sync/blob/blob-sync.ts';
import { createBlobLane } from '../../../sync/transport/blob-lane.ts';
import { chunkedNodeWrtc, connectPair } from '../transport/peer-pair.ts';
import { newStore, putPhoto, ROOM } from './blob-sync-harness.ts';

/**
 * A peer that sends garbage on the blob lane loses its lane, with the code, and nothing
 * else: the data channel (y-webrtc's messages) stays up in both directions, nothing throws.
 */
const cleanups: (() => void)[] = [];
beforeAll(sodiumReady);
afterEach(() => cleanups.splice(0).reverse().forEach((cleanup) => cleanup()));

async function garbageFrom(message: Uint8Array): Promise<{ code: string | undefined; channelStillUp: boolean }> {
  const [laneA, laneB] = [createBlobLane(), createBlobLane()];
  const store = newStore();
  await putPhoto(store, 21, 100 * 1024);
  const sync = createBlobSync({ store, roomId: ROOM, lane: laneB });
  const [a, b] = await connectPair(chunkedNodeWrtc({ onLaneChannel: laneA.attach }), chunkedNodeWrtc({ onLaneChannel: laneB.attach }));
  cleanups.push(() => {
    sync.destroy();
    [a, b].forEach((end) => end.peer.destroy());
  });
  await vi.waitFor(() => expect(laneA.peers().length * laneB.peers().length).toBe(1));
  laneA.peers()[0]!.send(message);
  await vi.waitFor(() => expect(laneB.drops).toHaveLength(1));
  expect(laneB.peers()).toEqual([]);
  a.peer.send(new Uint8Array([9]));
  b.peer.send(new Uint8Array([8]));
  const [toB, toA] = await Promise.all([b.receivedCount(1), a.receivedCount(1)]);
  return { code: laneB.drops[0]?.code, channelStillUp: toB[0]?.[0] === 9 && toA[0]?.[0] === 8 && a.peer.connected && b.peer.connected };
}

const get = (count: number) => encodeLaneMessage({ type: 'get', request: 1, id: 'aa'.repeat(32), first: 0, count });

describe('blob lane: garbage drops the lane, not the connection', () => {
  it('E_LANE_MALFORMED: an unknown message type', async () => {
    expect(await garbageFrom(new Uint8Array([0x7f, 1, 2, 3]))).toEqual({ code: 'E_LANE_MALFORMED', channelStillUp: true });
  });

  it('E_LANE_MALFORMED: a GET one byte short, and an empty message', async () => {
    expect(await garbageFrom(get(1).subarray(0, 42))).toEqual({ code: 'E_LANE_MALFORMED', channelStillUp: true });
    expect(await garbageFrom(new Uint8Array(0))).toEqual({ code: 'E_LANE_MALFORMED', channelStillUp: true });
  });

  it('E_LANE_BOUNDS: a GET for 17 pieces, and a PIECE whose length does not fit its blob size', async () => {
    expect(await garbageFrom(get(17))).toEqual({ code: 'E_LANE_BOUNDS', channelStillUp: true });
    const piece = encodeLaneMessage({ type: 'piece', request: 1, index: 0, size: 100_000, bytes: new Uint8Array(24) });
    expect(await garbageFrom(piece)).toEqual({ code: 'E_LANE_BOUNDS', channelStillUp: true });
  });

  it('E_LANE_UNEXPECTED: a well-formed PIECE that answers a request never sent', async () => {
    const piece = encodeLaneMessage({ type: 'piece', request: 4242, index: 0, size: 100_000, bytes: new Uint8Array(25) });
    expect(await garbageFrom(piece)).toEqual({ code: 'E_LANE_UNEXPECTED', channelStillUp: true });
  });
});
