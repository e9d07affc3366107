import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { KiB, putPhoto, readPhoto } from '../blob-sync/blob-sync-harness.ts';
import { sameBytes, within } from '../transport/peer-pair.ts';
import { honestDevice, lanePeer, rawPeer, sampleQueued, victim } from './hostile-peer.ts';

beforeAll(sodiumReady);

/**
 * Issue 18 §2, GET amplification: a GET is 43 bytes and asks for up to 16 pieces (1 MiB).
 * Sent 100 at once, they made the victim queue one answer per GET, about 100 MiB, with
 * nothing to stop it. Bound: whatever a peer asks, the victim holds at most 512 KiB queued
 * for all its peers together, and a peer with more than two GETs unanswered loses its lane.
 */
describe('attack: GET amplification over the blob lane', () => {
  it('E_LANE_FLOOD: 100 GETs at once leave under 512 KiB queued, the flooding peer loses its lane, and an honest peer still gets the photo within 5 s', async () => {
    const target = victim();
    const photo = await putPhoto(target.store, 31, 1536 * KiB);
    const hostile = await rawPeer(target);
    const honest = honestDevice(await lanePeer(target));
    await vi.waitFor(() => expect(target.lane.peers()).toHaveLength(2));
    const queued = sampleQueued(target);

    for (let request = 1; request <= 100; request++) hostile.sendLane({ type: 'get', request, id: photo.photo.id, first: 0, count: 16 });
    // Meanwhile the honest peer's download is not held up: 5 s is ten times what it takes alone.
    expect(await within(honest.blobs.want(photo.photo.id, 'photo'), 5_000, 'honest download during the flood')).toEqual({ ok: true, value: undefined });
    expect(sameBytes((await readPhoto(honest.store, photo, 31))!, photo.plain)).toBe(true);
    await vi.waitFor(() => expect(queued.now()).toBe(0), { timeout: 20_000 });

    console.log(`GET flood: peak queued ${queued.peak()} bytes (sampled), ${target.budget.peakBytes} bytes held at most (budget); lane drops ${JSON.stringify(target.lane.drops.map((d) => d.code))}`);
    expect(queued.peak()).toBeLessThan(512 * KiB);
    expect(target.budget.peakBytes).toBeLessThan(512 * KiB);
    expect(target.lane.drops.map((drop) => drop.code)).toEqual(['E_LANE_FLOOD']);
    // Only the lane went: the data channel y-webrtc uses stays up.
    expect(hostile.endpoint.peer.connected).toBe(true);
  });
});
