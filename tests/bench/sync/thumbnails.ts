/**
 * A new device's grid asking for 100 thumbnails at once through the real relay (issue 18 §5:
 * 100 took 57 s in Chromium, two at a time). Timed until every one is stored and verified,
 * with the blob sync's downloads at a time set to 1 (sequential), 2 (before) and 6 (now),
 * each on a fresh device (memory store) in the same run; and again with 50 ms added before
 * each relay answer, as a relay across the internet costs a round trip per request.
 */
import { randomPhotoKey } from '../../../crypto/index.ts';
import { BlobStore } from '../../../sync/blob/blob-store.ts';
import { createBlobSync, MAX_DOWNLOADS } from '../../../sync/blob/blob-sync.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import type { FetchLike } from '../../../sync/blob/relay-blob-client.ts';
import { deriveId, randomBytes } from '../../../crypto/index.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import type { RelayServer } from '../../../sync/server/relay-server.ts';
import { patterned } from '../../integration/transport/patterned-bytes.ts';

const THUMBS = 100;
/** About what the app's thumbnails weigh (a 320 px WebP). */
const THUMB_BYTES = 24 * 1024;

async function uploadThumbs(blobsUrl: string, roomId: string): Promise<string[]> {
  const store = new BlobStore(new MemoryStorageAdapter());
  const key = randomPhotoKey();
  const ids: string[] = [];
  for (let i = 0; i < THUMBS; i++) ids.push((await store.put(key, photoBlobAd('nb', `note-${i}`, 'thumb'), patterned(THUMB_BYTES, i))).id);
  const sender = createBlobSync({ store, roomId, blobsUrl });
  ids.forEach((id) => sender.offer(id));
  await new Promise<void>((resolve) => {
    const check = () => sender.pending().uploads === 0 && (off(), resolve());
    const off = sender.onChange(check);
    setTimeout(check, 50);
  });
  sender.destroy();
  return ids;
}

async function fetchAll(blobsUrl: string, roomId: string, ids: readonly string[], maxDownloads: number, delayMs: number): Promise<number> {
  const slow: FetchLike = async (input, init) => {
    await new Promise((r) => setTimeout(r, delayMs));
    return fetch(input, init);
  };
  const sync = createBlobSync({ store: new BlobStore(new MemoryStorageAdapter()), roomId, blobsUrl, maxDownloads, ...(delayMs > 0 ? { fetch: slow } : {}) });
  const start = performance.now();
  const results = await Promise.all(ids.map((id) => sync.want(id, 'thumb')));
  const ms = performance.now() - start;
  sync.destroy();
  if (!results.every((r) => r.ok)) throw new Error('a thumbnail did not arrive');
  return ms;
}

export async function thumbnailBench(relay: RelayServer): Promise<void> {
  const blobsUrl = `${relay.url}relay-blobs`;
  const roomId = deriveId(randomBytes(32), 'bench', 'thumbs');
  const ids = await uploadThumbs(blobsUrl, roomId);
  const rows: Record<string, Record<string, number | string>> = {};
  for (const delayMs of [0, 50]) {
    const ms = { 1: await fetchAll(blobsUrl, roomId, ids, 1, delayMs), 2: await fetchAll(blobsUrl, roomId, ids, 2, delayMs), [MAX_DOWNLOADS]: await fetchAll(blobsUrl, roomId, ids, MAX_DOWNLOADS, delayMs) };
    rows[delayMs === 0 ? 'relay on 127.0.0.1' : `+${delayMs} ms per request`] = {
      'sequential ms': +ms[1]!.toFixed(0),
      '2 at a time (before) ms': +ms[2]!.toFixed(0),
      [`${MAX_DOWNLOADS} at a time (now) ms`]: +ms[MAX_DOWNLOADS]!.toFixed(0),
      'now / before': +(ms[MAX_DOWNLOADS]! / ms[2]!).toFixed(2),
      target: '<= 10 s',
    };
  }
  console.log(`\n${THUMBS} thumbnails (${THUMB_BYTES / 1024} KiB plaintext each) to a new device through the relay, memory store, 1 run each:`);
  console.table(rows);
}
