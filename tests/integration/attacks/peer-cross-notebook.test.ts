import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { decodeLaneMessage, encodeLaneMessage, type LaneMessage } from '../../../sync/blob/blob-lane-messages.ts';
import { createBlobSync } from '../../../sync/blob/blob-sync.ts';
import { KiB, putPhoto } from '../blob-sync/blob-sync-harness.ts';
import { afterTest, lanePeer, victim } from './hostile-peer.ts';

beforeAll(sodiumReady);

const OTHER_ROOM = 'other-room-0123456789abcdefghijklmnopqrstuv'.slice(0, 43);

/**
 * Issue 18 §2, cross-notebook serving: one BlobStore holds the photos of every notebook on
 * the device, and the blob lane of a notebook's room answered a GET for any of them. A peer
 * of one notebook (any holder of its room password) could fetch the ciphertext of another
 * notebook's photo, or learn that this device holds it. Bound: the lane of a room answers
 * only blobs of that room (MISSING otherwise, as for a blob it does not have).
 */
describe('attack: asking one notebook\'s lane for another notebook\'s photo', () => {
  it('the lane answers MISSING for a photo of another notebook on the device, and still serves its own', async () => {
    const target = victim();
    const mine = await putPhoto(target.store, 81, 200 * KiB);
    const theirs = await putPhoto(target.store, 82, 200 * KiB);
    target.blobs.offer(mine.photo.id);
    // The other notebook's photo, imported on this device: offered in that notebook's room.
    const other = createBlobSync({ store: target.store, roomId: OTHER_ROOM });
    afterTest(() => other.destroy());
    other.offer(theirs.photo.id);

    const peer = await lanePeer(target);
    const answers: LaneMessage[] = [];
    peer.lane.onMessage((_peer, bytes) => {
      const decoded = decodeLaneMessage(bytes);
      if (decoded.ok) answers.push(decoded.message);
    });
    await vi.waitFor(() => expect(peer.lane.peers()).toHaveLength(1));
    const ask = (request: number, id: string) => peer.lane.peers()[0]!.send(encodeLaneMessage({ type: 'get', request, id, first: 0, count: 1 }));
    // Asked in turn: an answer must be complete before the next GET (two at most unanswered).
    ask(1, theirs.photo.id);
    await vi.waitFor(() => expect(answers.some((a) => a.request === 1)).toBe(true));
    ask(2, mine.photo.id);
    await vi.waitFor(() => expect(answers.some((a) => a.request === 2)).toBe(true));
    expect(answers.map((a) => [a.request, a.type])).toEqual([[1, 'missing'], [2, 'piece']]);
  });

  it('a blob stored before blobs were recorded by room is served to any room until a room claims it (offer, or want of a stored blob)', async () => {
    const target = victim();
    const legacy = await putPhoto(target.store, 83, 100 * KiB);
    expect(await target.store.servesRoom(OTHER_ROOM, legacy.photo.id)).toBe(true);
    const other = createBlobSync({ store: target.store, roomId: OTHER_ROOM });
    afterTest(() => other.destroy());
    expect(await other.want(legacy.photo.id, 'photo')).toEqual({ ok: true, value: undefined });
    expect(await target.store.servesRoom(OTHER_ROOM, legacy.photo.id)).toBe(true);
    expect(await target.store.servesRoom('a'.repeat(43), legacy.photo.id)).toBe(false);
    await target.store.remove(legacy.photo.id);
    expect(await target.store.servesRoom('a'.repeat(43), legacy.photo.id)).toBe(true);
  });
});
