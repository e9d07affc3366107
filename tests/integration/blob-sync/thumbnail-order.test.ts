import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { createBlobSync, type BlobSync } from '../../../sync/blob/blob-sync.ts';
import type { FetchLike } from '../../../sync/blob/relay-blob-client.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { tempDataDir } from '../relay/relay-harness.ts';
import { countingFetch, newStore, putPhoto, ROOM, type Photo } from './blob-sync-harness.ts';

/**
 * Issue 18 §5: a new device showed 3,100 notes in 2.7 s and its 100 thumbnails only after
 * 57 s through the relay, fetched two at a time. Thumbnails are fetched in parallel, in the
 * order the grid wants them (what is on screen, top first), and one whose card left the
 * screen before its turn is not fetched at all. No timing is asserted: the relay's answers
 * are held back a little so that what is in flight at once can be counted.
 */
const THUMBS = 20;
let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;
let photos: Photo[];
const blobsUrl = () => `${relay.url}relay-blobs`;

beforeAll(async () => {
  await sodiumReady();
  data = tempDataDir();
  // Download order and concurrency; uploads' write capability is tested in relay-blobs.test.ts.
  relay = await startRelayServer({ dataDir: data.dir, port: 0, requireWriteCapability: false });
  const phone = newStore();
  photos = [];
  for (let i = 0; i < THUMBS; i++) photos.push(await putPhoto(phone, 100 + i, 80 * 1024));
  await upload(createBlobSync({ store: phone, roomId: ROOM, blobsUrl: blobsUrl() }), photos);
});

afterAll(async () => {
  await relay.close();
  data.remove();
});

/** The real fetch, each GET answered 150 ms late; records which blob each GET asked for and how many were in flight at most. */
/** Offers each photo's thumbnail, then the photo, waits until `sender` uploaded them all, and stops it. */
async function upload(sender: BlobSync, photos: readonly { readonly thumb: { readonly id: string }; readonly photo: { readonly id: string } }[]): Promise<void> {
  for (const photo of photos) {
    sender.offer(photo.thumb.id);
    sender.offer(photo.photo.id);
  }
  await new Promise<void>((resolve) => {
    const check = () => sender.pending().uploads === 0 && (off(), resolve());
    const off = sender.onChange(check);
    setTimeout(check, 50);
  });
  sender.destroy();
}

function watchedFetch(): { fetch: FetchLike; order: string[]; maxInFlight: () => number } {
  const order: string[] = [];
  let inFlight = 0;
  let max = 0;
  return {
    order,
    maxInFlight: () => max,
    fetch: async (input, init) => {
      if ((init?.method ?? 'GET') !== 'GET') return fetch(input, init);
      order.push(input.split('/').pop() ?? '');
      max = Math.max(max, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 150));
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    },
  };
}

function receiver(fetchImpl: FetchLike): BlobSync {
  return createBlobSync({ store: newStore(), roomId: ROOM, blobsUrl: blobsUrl(), fetch: fetchImpl });
}

describe('thumbnails come in parallel, in view order', () => {
  it('thumbnails wanted in grid order are requested in that order, six at a time, all before the full photos wanted earlier', async () => {
    const watched = watchedFetch();
    const sync = receiver(watched.fetch);
    const wants = [
      sync.want(photos[0]!.photo.id, 'photo', new AbortController().signal),
      sync.want(photos[1]!.photo.id, 'photo', new AbortController().signal),
      ...photos.map((photo) => sync.want(photo.thumb.id, 'thumb', new AbortController().signal)),
    ];
    const results = await Promise.all(wants);
    sync.destroy();
    expect(results.every((r) => r.ok)).toBe(true);
    const thumbs = photos.map((p) => p.thumb.id);
    const firstAsked = (id: string) => watched.order.indexOf(id);
    console.log(`${THUMBS} thumbnails: at most ${watched.maxInFlight()} relay GETs in flight`);
    expect(watched.maxInFlight()).toBe(6);
    expect(watched.order.filter((id) => thumbs.includes(id))).toEqual(thumbs);
    expect(Math.min(firstAsked(photos[0]!.photo.id), firstAsked(photos[1]!.photo.id))).toBeGreaterThan(Math.max(...thumbs.map(firstAsked)));
  });

  it('E_BLOB_NOT_WANTED: thumbnails whose cards left the screen before their turn leave the queue and are never requested; one still wanted by another card stays', async () => {
    const watched = watchedFetch();
    const sync = receiver(watched.fetch);
    const cards = photos.map(() => new AbortController());
    const wants = photos.map((photo, i) => sync.want(photo.thumb.id, 'thumb', cards[i]!.signal));
    // Another card (search results) shows photo 13 too.
    const alsoShown = sync.want(photos[13]!.thumb.id, 'thumb', new AbortController().signal);
    await new Promise((r) => setTimeout(r, 50));
    for (const i of [12, 13, 14, 15]) cards[i]!.abort();
    const results = await Promise.all(wants);
    expect((await alsoShown).ok).toBe(true);
    const codes: string[] = results.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes.filter((c) => c === 'E_BLOB_NOT_WANTED')).toHaveLength(3);
    expect([12, 14, 15].map((i) => codes[i])).toEqual(['E_BLOB_NOT_WANTED', 'E_BLOB_NOT_WANTED', 'E_BLOB_NOT_WANTED']);
    expect(watched.order).not.toContain(photos[12]!.thumb.id);
    expect(watched.order).not.toContain(photos[15]!.thumb.id);
    expect(watched.order).toContain(photos[13]!.thumb.id);
    // Not queued any more: a card that scrolls back in asks again and gets it.
    expect((await sync.want(photos[12]!.thumb.id, 'thumb', new AbortController().signal)).ok).toBe(true);
    sync.destroy();
  });

  it('uploads: an import offers thumbnail, photo, thumbnail, photo, ...; every thumbnail goes up before the photos queued with it', async () => {
    const phone = newStore();
    const imported = [await putPhoto(phone, 300, 300 * 1024), await putPhoto(phone, 301, 300 * 1024), await putPhoto(phone, 302, 300 * 1024)];
    const up = countingFetch();
    await upload(createBlobSync({ store: phone, roomId: ROOM, blobsUrl: blobsUrl(), fetch: up.fetch }), imported);
    const firstPut = (id: string) => up.requests.findIndex((r) => r.startsWith('PUT') && r.includes(id));
    const thumbs = imported.map((p) => firstPut(p.thumb.id));
    const fulls = imported.map((p) => firstPut(p.photo.id));
    expect([...thumbs, ...fulls].every((at) => at >= 0)).toBe(true);
    expect(Math.max(...thumbs)).toBeLessThan(Math.min(...fulls));
  });
});
