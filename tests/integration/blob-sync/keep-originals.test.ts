import * as Y from 'yjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { createBlobSync, type BlobSync } from '../../../sync/blob/blob-sync.ts';
import { BlobStore } from '../../../sync/blob/blob-store.ts';
import { FaultyDisk } from '../../helpers/faulty-disk.ts';
import { createOriginalsKeeper, type KeeperProgress, type OriginalsKeeper } from '../../../sync/blob/originals-keeper.ts';
import { copyCounts, photoOriginals, photoThumbnails, writeHoldings } from '../../../sync/notebook/holdings.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { setNotePhoto } from '../../../sync/notebook/photos.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { tempDataDir } from '../relay/relay-harness.ts';
import { sameBytes } from '../transport/peer-pair.ts';
import { countingFetch, KiB, newStore, putPhoto, readPhoto, ROOM, type Photo } from './blob-sync-harness.ts';

/**
 * Issue 18 §5, "originals live only where they were opened": a new device fetched a full photo
 * only when it was opened, so with the importing device and the relay gone the photos were
 * lost. Here a device that keeps originals fetches every one in the background through the
 * real relay, says how far it is, and still opens every photo once the phone is gone and the
 * relay restarted empty; the phone's count of photos only it holds goes from N to 0.
 */
const N = 6;
const NOTEBOOK = 'nb';
const PHONE_SLOT = 'phone-slot-0123456789abcdefghijk';
const LAPTOP_SLOT = 'laptop-slot-0123456789abcdefghij';

interface Relay {
  server: RelayServer;
  data: ReturnType<typeof tempDataDir>;
}
const relays: Relay[] = [];
const cleanups: (() => void)[] = [];

async function newRelay(): Promise<Relay> {
  const data = tempDataDir();
  const server = await startRelayServer({ dataDir: data.dir, port: 0, requireWriteCapability: false });
  const relay = { server, data };
  relays.push(relay);
  return relay;
}
async function stopRelay(relay: Relay): Promise<void> {
  await relay.server.close();
  relay.data.remove();
  relays.splice(relays.indexOf(relay), 1);
}
const blobsUrl = (relay: Relay) => `${relay.server.url}relay-blobs`;

function blobSync(store: BlobStore, relay: Relay, fetch = countingFetch().fetch): BlobSync {
  const sync = createBlobSync({ store, roomId: ROOM, blobsUrl: blobsUrl(relay), fetch, retryMs: 50 });
  cleanups.push(() => sync.destroy());
  return sync;
}
function keeper(store: BlobStore, doc: Y.Doc, sync: () => BlobSync | undefined, concurrency?: number, keepThumbnails = true): OriginalsKeeper {
  const kept = createOriginalsKeeper({
    store,
    originals: () => new Map([[NOTEBOOK, photoOriginals(doc)]]),
    ...(keepThumbnails ? { thumbnails: () => new Map([[NOTEBOOK, photoThumbnails(doc)]]) } : {}),
    syncFor: (id) => (id === NOTEBOOK ? sync() : undefined),
    ...(concurrency ? { concurrency } : {}),
  });
  cleanups.push(() => kept.destroy());
  return kept;
}
const until = (kept: OriginalsKeeper, done: (p: KeeperProgress) => boolean, seen: KeeperProgress[] = []) =>
  new Promise<KeeperProgress>((resolve) => {
    const check = (p: KeeperProgress) => {
      seen.push(p);
      if (!done(p)) return;
      off();
      resolve(p);
    };
    const off = kept.onChange(check);
    check(kept.progress());
  });
const uploaded = (sync: BlobSync) =>
  new Promise<void>((resolve) => {
    const check = () => sync.pending().uploads === 0 && (off(), resolve());
    const off = sync.onChange(check);
    setTimeout(check, 0);
  });

/** The phone: N photos imported into notes of its doc, uploaded to the relay. */
async function phoneWithPhotos(relay: Relay): Promise<{ store: BlobStore; doc: Y.Doc; photos: Photo[] }> {
  const store = newStore();
  const doc = new Y.Doc();
  const photos: Photo[] = [];
  for (let seed = 1; seed <= N; seed++) {
    const photo = await putPhoto(store, seed, 200 * KiB);
    photos.push(photo);
    const id = createNote(doc, { title: `photo ${seed}` });
    setNotePhoto(doc, id, { blobId: photo.photo.id, thumbBlobId: photo.thumb.id, photoKey: 'k'.repeat(43), width: 10, height: 10, mime: 'image/jpeg', addedAt: seed });
  }
  const sync = blobSync(store, relay);
  photos.forEach((p) => (sync.offer(p.thumb.id), sync.offer(p.photo.id)));
  await uploaded(sync);
  return { store, doc, photos };
}

const exchange = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
};

beforeAll(() => sodiumReady());
afterEach(async () => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
  for (const relay of [...relays]) await stopRelay(relay);
});

describe('keeping originals on a new device (real relay)', () => {
  it('a new device keeps every original with progress; the phone\'s "only on this device" goes from N to 0; with the phone gone and the relay restarted empty it opens every photo', async () => {
    const relay = await newRelay();
    const phone = await phoneWithPhotos(relay);
    writeHoldings(phone.doc, PHONE_SLOT, phone.photos.map((p) => p.photo.id));
    expect(copyCounts(phone.doc, PHONE_SLOT)).toEqual({ photos: N, onlyHere: N, onlyOne: N });

    const laptop = { store: newStore(), doc: new Y.Doc() };
    exchange(phone.doc, laptop.doc);
    // Today's behaviour, for contrast: nothing fetches an original that nobody opened.
    const sync = blobSync(laptop.store, relay);
    await new Promise((r) => setTimeout(r, 200));
    expect(await Promise.all(phone.photos.map((p) => laptop.store.has(p.photo.id)))).toEqual(Array(N).fill(false));

    const kept = keeper(laptop.store, laptop.doc, () => sync);
    const seen: KeeperProgress[] = [];
    await until(kept, (p) => p.total === N && p.held === N, seen);
    // Progress went up one photo at a time ("Keeping originals: 3 of 6").
    const heldSeen = [...new Set(seen.filter((p) => p.total === N).map((p) => p.held))];
    expect(heldSeen[0]).toBe(0);
    expect(heldSeen.at(-1)).toBe(N);
    expect(heldSeen.length).toBeGreaterThan(2);
    expect(await Promise.all(phone.photos.map((p) => laptop.store.has(p.photo.id)))).toEqual(Array(N).fill(true));

    writeHoldings(laptop.doc, LAPTOP_SLOT, photoOriginals(laptop.doc));
    exchange(phone.doc, laptop.doc);
    expect(copyCounts(phone.doc, PHONE_SLOT)).toEqual({ photos: N, onlyHere: 0, onlyOne: 0 });
    expect(copyCounts(laptop.doc, LAPTOP_SLOT)).toEqual({ photos: N, onlyHere: 0, onlyOne: 0 });

    // The phone is lost; the relay restarts with nothing.
    await stopRelay(relay);
    const empty = await newRelay();
    const after = blobSync(laptop.store, empty);
    for (const [i, photo] of phone.photos.entries()) {
      expect(await after.want(photo.photo.id, 'photo')).toEqual({ ok: true, value: undefined });
      expect(sameBytes((await readPhoto(laptop.store, photo, i + 1))!, photo.plain)).toBe(true);
    }
  });

  it('pausing starts no new download; a new keeper (a reload) fetches only what is still missing and resumes', async () => {
    const relay = await newRelay();
    const phone = await phoneWithPhotos(relay);
    const laptop = { store: newStore(), doc: new Y.Doc() };
    exchange(phone.doc, laptop.doc);
    const counted = countingFetch();
    let sync = blobSync(laptop.store, relay, counted.fetch);
    const first = keeper(laptop.store, laptop.doc, () => sync, 1);
    await until(first, (p) => p.held >= 2);
    first.pause();
    expect(first.progress().paused).toBe(true);
    // The one running may finish; nothing starts after it.
    await new Promise((r) => setTimeout(r, 300));
    const heldWhenPaused = first.progress().held;
    const requests = counted.requests.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(counted.requests.length).toBe(requests);
    expect(first.progress().held).toBe(heldWhenPaused);
    expect(heldWhenPaused).toBeLessThan(N);

    // Reload: the page's keeper and blob sync are gone; the store stays.
    first.destroy();
    sync.destroy();
    const again = countingFetch();
    sync = blobSync(laptop.store, relay, again.fetch);
    const second = keeper(laptop.store, laptop.doc, () => sync);
    expect((await until(second, (p) => p.total === N && p.held === N)).held).toBe(N);
    const gets = again.requests.filter((r) => r.startsWith('GET'));
    // Only the originals still missing came down (each fits in one Range read).
    expect(gets.length).toBe(N - heldWhenPaused);
    expect(await Promise.all(phone.photos.map((p) => laptop.store.has(p.photo.id)))).toEqual(Array(N).fill(true));
  });

  it('a thumbnail asked while originals are kept is not queued behind them', async () => {
    const relay = await newRelay();
    const phone = await phoneWithPhotos(relay);
    const laptop = { store: newStore(), doc: new Y.Doc() };
    exchange(phone.doc, laptop.doc);
    const counted = countingFetch();
    const sync = blobSync(laptop.store, relay, counted.fetch);
    // Thumbnails left to the grid here: what is measured is how long the grid's wait behind originals.
    const kept = keeper(laptop.store, laptop.doc, () => sync, undefined, false);
    await until(kept, (p) => p.total === N);
    const thumbs = phone.photos.map((p) => p.thumb.id);
    expect((await Promise.all(thumbs.map((id) => sync.want(id, 'thumb')))).every((r) => r.ok)).toBe(true);
    await until(kept, (p) => p.held === N);
    // At most the one original already running went before the thumbnails.
    const order = counted.requests.filter((r) => r.startsWith('GET')).map((r) => r.split(' ')[1]!.split('/').at(-1)!);
    const lastThumb = Math.max(...thumbs.map((id) => order.indexOf(id)));
    expect(order.slice(0, lastThumb).filter((id) => !thumbs.includes(id)).length).toBeLessThanOrEqual(1);
  });

  it('thumbnails nobody looked at are kept too, before any original, so the grid survives the relay restarted empty', async () => {
    const relay = await newRelay();
    const phone = await phoneWithPhotos(relay);
    const laptop = { store: newStore(), doc: new Y.Doc() };
    exchange(phone.doc, laptop.doc);
    const counted = countingFetch();
    const sync = blobSync(laptop.store, relay, counted.fetch);
    const kept = keeper(laptop.store, laptop.doc, () => sync);
    await until(kept, (p) => p.total === N && p.held === N);
    await stopRelay(relay);
    expect(await Promise.all(phone.photos.map((p) => laptop.store.has(p.thumb.id)))).toEqual(Array(N).fill(true));
    const order = counted.requests.filter((r) => r.startsWith('GET')).map((r) => r.split(' ')[1]!.split('/').at(-1)!);
    const thumbs = new Set(phone.photos.map((p) => p.thumb.id));
    expect(order.slice(0, N).every((id) => thumbs.has(id))).toBe(true);
  });

  it('E_STORAGE_FULL: a full disk stops keeping with its reason and starts nothing more; resume carries on', async () => {
    const relay = await newRelay();
    const phone = await phoneWithPhotos(relay);
    const disk = new FaultyDisk();
    disk.mode = 'fail';
    const store = new BlobStore(disk.storage);
    const laptop = { store, doc: new Y.Doc() };
    exchange(phone.doc, laptop.doc);
    const counted = countingFetch();
    const sync = blobSync(store, relay, counted.fetch);
    // Past the thumbnails (one piece each plus a head): the disk refuses a piece of an original.
    disk.at = 2 * N + 3;
    const kept = keeper(store, laptop.doc, () => sync, 1);
    const stopped = await until(kept, (p) => p.problem !== undefined);
    expect(stopped.problem?.code).toBe('E_STORAGE_FULL');
    expect(stopped.held).toBeLessThan(N);
    const requests = counted.requests.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(counted.requests.length).toBe(requests);
    kept.resume();
    expect((await until(kept, (p) => p.held === N)).problem).toBeUndefined();
  });

  it('E_BLOB_UNAVAILABLE: an original no source has is counted as unavailable, not held, and the rest are kept', async () => {
    const relay = await newRelay();
    const phone = await phoneWithPhotos(relay);
    const laptop = { store: newStore(), doc: new Y.Doc() };
    exchange(phone.doc, laptop.doc);
    const missing = createNote(laptop.doc, { title: 'never uploaded' });
    setNotePhoto(laptop.doc, missing, { blobId: 'cd'.repeat(32), thumbBlobId: 'ef'.repeat(32), photoKey: 'k'.repeat(43), width: 1, height: 1, mime: 'image/png', addedAt: 0 });
    const sync = blobSync(laptop.store, relay);
    const kept = keeper(laptop.store, laptop.doc, () => sync);
    const done = await until(kept, (p) => p.held === N && p.unavailable === 1);
    expect(done.total).toBe(N + 1);
  });
});
