import { describe, expect, it, vi } from 'vitest';
import { randomBytes } from '../../../crypto/index.ts';
import { decodeLaneMessage, encodeLaneMessage } from '../../../sync/blob/blob-lane-messages.ts';
import { pieceCount, pieceLength } from '../../../sync/blob/blob-layout.ts';
import { createBlobSync } from '../../../sync/blob/blob-sync.ts';
import { countingFetch, KiB, newStore, putPhoto, readPhoto, ROOM } from '../blob-sync/blob-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { sameBytes, within } from '../transport/peer-pair.ts';
import { afterTest, lanePeer, victim } from './hostile-peer.ts';

// Blob transfer mechanics; the write capability has its own tests.
const relay = relayForSuite({ requireWriteCapability: false });

/**
 * Issue 18 §2, poisoned partial downloads: a blob's address is the hash of the whole
 * ciphertext, so a wrong piece shows only once the last one is in. A peer that sent
 * garbage of the right sizes for the first pieces and then went quiet left the rest to
 * the relay, whose last piece failed the hash: the relay was blamed and never asked again,
 * and the photo failed (E_HASH_MISMATCH). Bound: the photo arrives intact within 10 s,
 * and a source is blamed only for a download it made alone.
 */
describe('attack: garbage pieces from one source, the last piece from an honest one', () => {
  it('the photo still arrives from the relay, intact, within 10 s; the relay is not blamed', async () => {
    const honestStore = newStore();
    const photo = await putPhoto(honestStore, 61, 1536 * KiB);
    const uploader = createBlobSync({ store: honestStore, roomId: ROOM, blobsUrl: `${relay.url}relay-blobs` });
    afterTest(() => uploader.destroy());
    uploader.offer(photo.photo.id);
    await vi.waitFor(async () => expect(uploader.pending().uploads).toBe(0));

    const down = countingFetch();
    const target = victim({ blobsUrl: `${relay.url}relay-blobs`, fetch: down.fetch });
    const poisoner = await lanePeer(target);
    const size = photo.photo.size;
    let garbage = 0;
    // Right sizes, wrong bytes, for every GET that starts in the first half; nothing for the rest.
    poisoner.lane.onMessage((peer, bytes) => {
      const decoded = decodeLaneMessage(bytes);
      if (!decoded.ok || decoded.message.type !== 'get') return;
      const { request, first, count } = decoded.message;
      if (first >= pieceCount(size) / 2) return;
      for (let index = first; index < Math.min(first + count, pieceCount(size)); index++) {
        garbage += pieceLength(size, index);
        peer.send(encodeLaneMessage({ type: 'piece', request, index, size, bytes: randomBytes(pieceLength(size, index)) }));
      }
    });
    await vi.waitFor(() => expect(target.lane.peers()).toHaveLength(1));

    const started = performance.now();
    const result = await within(target.blobs.want(photo.photo.id, 'photo'), 10_000, 'poisoned photo');
    console.log(`poisoned: ${garbage} garbage bytes from the peer, ${down.down()} bytes from the relay for a ${size}-byte photo; done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(result)}`);
    expect(result).toEqual({ ok: true, value: undefined });
    expect(sameBytes((await readPhoto(target.store, photo, 61))!, photo.plain)).toBe(true);
    expect(garbage).toBeGreaterThan(0);
  }, 30_000);
});
