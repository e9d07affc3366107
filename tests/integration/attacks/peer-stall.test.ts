import { describe, expect, it, vi } from 'vitest';
import { decodeLaneMessage, encodeLaneMessage } from '../../../sync/blob/blob-lane-messages.ts';
import { createBlobSync, type BlobSyncEvent } from '../../../sync/blob/blob-sync.ts';
import { KiB, newStore, putPhoto, readPhoto, ROOM } from '../blob-sync/blob-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { sameBytes, within } from '../transport/peer-pair.ts';
import { afterTest, honestDevice, lanePeer, victim } from './hostile-peer.ts';

// Blob transfer mechanics; the write capability has its own tests.
const relay = relayForSuite({ requireWriteCapability: false });

/** Time for `want` to resolve, failing (with a reason) past `boundMs`. */
async function timed<T>(run: Promise<T>, boundMs: number, what: string): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await within(run, boundMs, what);
  return { value, ms: performance.now() - started };
}

/**
 * Issue 18 §2, stalls: a peer that takes a GET and never answers cost 15 s before the next
 * source was asked, so two silent peers held a photo back 30 s, and every later photo again.
 * Bounds: a silent peer costs a download at most 3 s (first byte) before the relay (or the
 * next peer) is asked, and a peer that stayed silent is asked after the others from then on:
 * with the relay, each of the first two photos waits on one silent peer, the third on none.
 */
describe('attack: peers that take GETs and never answer', () => {
  it('two silent peers and the relay: the first two photos arrive within 5 s each, the third within 1.5 s', async () => {
    const uploaderStore = newStore();
    const photos = await Promise.all([51, 52, 53].map((seed) => putPhoto(uploaderStore, seed, 300 * KiB)));
    const uploader = createBlobSync({ store: uploaderStore, roomId: ROOM, blobsUrl: `${relay.url}relay-blobs` });
    afterTest(() => uploader.destroy());
    photos.forEach((photo) => uploader.offer(photo.photo.id));
    await vi.waitFor(async () => expect(uploader.pending().uploads).toBe(0));

    const target = victim({ blobsUrl: `${relay.url}relay-blobs` });
    // Connected, lane up, and nothing behind it: GETs arrive and go unanswered.
    await lanePeer(target);
    await lanePeer(target);
    await vi.waitFor(() => expect(target.lane.peers()).toHaveLength(2));

    const times: number[] = [];
    for (const [i, bound] of [5_000, 5_000, 1_500].entries()) {
      const got = await timed(target.blobs.want(photos[i]!.photo.id, 'photo'), bound, `photo ${i + 1} past two silent peers`);
      expect(got.value).toEqual({ ok: true, value: undefined });
      times.push(got.ms);
    }
    console.log(`two silent peers and the relay: photos in ${times.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s`);
    expect(sameBytes((await readPhoto(target.store, photos[2]!, 53))!, photos[2]!.plain)).toBe(true);
  }, 60_000);

  it('two silent peers and an honest one, no relay: the photo arrives within 8 s, the next one within 1.5 s', async () => {
    const target = victim();
    await lanePeer(target);
    await lanePeer(target);
    const honest = honestDevice(await lanePeer(target));
    const photos = [await putPhoto(honest.store, 54, 300 * KiB), await putPhoto(honest.store, 55, 300 * KiB)];
    await vi.waitFor(() => expect(target.lane.peers()).toHaveLength(3));

    const first = await timed(target.blobs.want(photos[0]!.photo.id, 'photo'), 8_000, 'first photo past two silent peers');
    expect(first.value).toEqual({ ok: true, value: undefined });
    const second = await timed(target.blobs.want(photos[1]!.photo.id, 'photo'), 1_500, 'second photo');
    expect(second.value).toEqual({ ok: true, value: undefined });
    console.log(`two silent peers, no relay: first photo in ${(first.ms / 1000).toFixed(1)} s, the next in ${(second.ms / 1000).toFixed(2)} s`);
    expect(sameBytes((await readPhoto(target.store, photos[1]!, 55))!, photos[1]!.plain)).toBe(true);
  }, 60_000);

  it('the asking side never has more than two GETs open with a silent peer, given-up ones included; a late answer frees a slot and says so', async () => {
    const target = victim({ retryMs: 50 });
    const silent = await lanePeer(target);
    const gets: number[] = [];
    silent.lane.onMessage((_peer, bytes) => {
      const decoded = decodeLaneMessage(bytes);
      if (decoded.ok && decoded.message.type === 'get') gets.push(decoded.message.request);
    });
    const events: BlobSyncEvent[] = [];
    target.blobs.onChange((event) => void events.push(event));
    await vi.waitFor(() => expect(target.lane.peers()).toHaveLength(1));
    const ids = ['a', 'b', 'c'].map((c) => c.repeat(64));
    const results = await Promise.all(ids.map((id) => target.blobs.want(id, 'photo')));
    expect(results.map((result) => !result.ok && result.error.code)).toEqual(['E_BLOB_UNAVAILABLE', 'E_BLOB_UNAVAILABLE', 'E_BLOB_UNAVAILABLE']);
    expect(gets).toHaveLength(2);
    expect(target.lane.peers()).toHaveLength(1);

    const before = events.filter((event) => event.type === 'sources').length;
    silent.lane.peers()[0]!.send(encodeLaneMessage({ type: 'missing', request: gets[0]! }));
    await vi.waitFor(() => expect(events.filter((event) => event.type === 'sources').length).toBe(before + 1));
    expect(target.lane.drops).toEqual([]);
  }, 30_000);
});
