import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { createBlobSync, type BlobSync } from '../../../sync/blob/blob-sync.ts';
import type { FetchLike } from '../../../sync/blob/relay-blob-client.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { tempDataDir } from '../relay/relay-harness.ts';
import { sameBytes } from '../transport/peer-pair.ts';
import { countingFetch, newStore, putPhoto, readPhoto, ROOM, uploadsIdle } from './blob-sync-harness.ts';

/**
 * The relay goes away between two parts of a transfer (process stopped, then started again
 * on the same port and data dir); the blob sync retries and continues where it stopped.
 */
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(sodiumReady);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Restartable {
  url(): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Resolves once a restart under way has finished (at once if none is). */
  ready(): Promise<void>;
}

async function restartableRelay(): Promise<Restartable> {
  const data = tempDataDir();
  // Blob transfer mechanics; the write capability has its own test below (uploads carry the room's token).
  let relay: RelayServer | undefined = await startRelayServer({ dataDir: data.dir, port: 0, requireWriteCapability: false });
  let starting = Promise.resolve();
  const port = Number(new URL(relay.url).port);
  cleanups.push(async () => {
    await relay?.close();
    data.remove();
  });
  return {
    url: () => `http://127.0.0.1:${port}/relay-blobs`,
    stop: async () => {
      await relay?.close();
      relay = undefined;
    },
    start: () => (starting = startRelayServer({ dataDir: data.dir, port, requireWriteCapability: false }).then((started) => void (relay = started))),
    ready: () => starting,
  };
}

/** After the `nth` request whose method is `method`, stops the relay, and starts it again 300 ms later. */
function dropAfter(inner: FetchLike, method: string, nth: number, relay: Restartable): { fetch: FetchLike; dropped: Promise<void> } {
  let seen = 0;
  let markDropped!: () => void;
  const dropped = new Promise<void>((resolve) => (markDropped = resolve));
  return {
    dropped,
    fetch: async (input, init) => {
      // startRelayServer listens before its routes are attached; a request in that window
      // would get the server's plain 404. Requests while the relay is down still fail.
      await relay.ready();
      const response = await inner(input, init);
      if ((init?.method ?? 'GET') === method && ++seen === nth) {
        await relay.stop();
        markDropped();
        setTimeout(() => void relay.start(), 300);
      }
      return response;
    },
  };
}

function sync(...args: Parameters<typeof createBlobSync>): BlobSync {
  const created = createBlobSync(...args);
  cleanups.push(() => created.destroy());
  return created;
}

describe('blob sync resumes after the relay drops mid-transfer', () => {
  it('upload: parts already on the relay are not sent again after it restarts; download: ranges already stored are not fetched again', async () => {
    const relay = await restartableRelay();
    const phone = newStore();
    const photo = await putPhoto(phone, 31);
    const up = countingFetch();
    const upDrop = dropAfter(up.fetch, 'PUT', 2, relay);
    const uploader = sync({ store: phone, roomId: ROOM, blobsUrl: relay.url(), fetch: upDrop.fetch, relayPiecesPerRequest: 4, retryMs: 100 });
    uploader.offer(photo.photo.id);
    await upDrop.dropped;
    await uploadsIdle(uploader);
    const puts = up.requests.filter((r) => r.startsWith('PUT')).length;
    console.log(`upload: relay stopped after 2 parts; ${puts} PUTs, ${up.up()} bytes sent for a ${photo.photo.size}-byte blob`);
    expect(up.requests.some((r) => r.startsWith('HEAD'))).toBe(true);
    expect(up.up()).toBe(photo.photo.size);

    const laptop = newStore();
    const down = countingFetch();
    const downDrop = dropAfter(down.fetch, 'GET', 2, relay);
    const receiver = sync({ store: laptop, roomId: ROOM, blobsUrl: relay.url(), fetch: downDrop.fetch, relayPiecesPerRequest: 4, retryMs: 100 });
    const wanted = receiver.want(photo.photo.id, 'photo');
    await downDrop.dropped;
    expect((await laptop.incoming(photo.photo.id))?.next).toBeGreaterThanOrEqual(4);
    const result = await wanted;
    expect(result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`).toBe('ok');
    console.log(`download: relay stopped after 2 ranges; ${down.down()} bytes received for a ${photo.photo.size}-byte blob`);
    expect(down.down()).toBe(photo.photo.size);
    expect(sameBytes((await readPhoto(laptop, photo, 31))!, photo.plain)).toBe(true);
  });

  it('thumbnails first: wanted in one turn after their photos, every thumbnail is requested before any photo', async () => {
    const relay = await restartableRelay();
    const phone = newStore();
    const photos = [await putPhoto(phone, 41, 400 * 1024), await putPhoto(phone, 42, 400 * 1024), await putPhoto(phone, 43, 400 * 1024)];
    const uploader = sync({ store: phone, roomId: ROOM, blobsUrl: relay.url() });
    for (const photo of photos) {
      uploader.offer(photo.photo.id);
      uploader.offer(photo.thumb.id);
    }
    await new Promise((r) => setTimeout(r, 20));
    await uploadsIdle(uploader);

    const down = countingFetch();
    const receiver = sync({ store: newStore(), roomId: ROOM, blobsUrl: relay.url(), fetch: down.fetch });
    const stored: string[] = [];
    receiver.onChange((event) => void (event.type === 'stored' && stored.push(event.id)));
    const wants = [...photos.map((p) => receiver.want(p.photo.id, 'photo')), ...photos.map((p) => receiver.want(p.thumb.id, 'thumb'))];
    expect((await Promise.all(wants)).every((r) => r.ok)).toBe(true);
    const firstRequest = (id: string) => down.requests.findIndex((r) => r.includes(id));
    const lastThumb = Math.max(...photos.map((p) => firstRequest(p.thumb.id)));
    const firstPhoto = Math.min(...photos.map((p) => firstRequest(p.photo.id)));
    expect(lastThumb).toBeLessThan(firstPhoto);
    expect(stored.slice(0, 2).sort()).toEqual([photos[0]!.thumb.id, photos[1]!.thumb.id].sort());
  });
});
