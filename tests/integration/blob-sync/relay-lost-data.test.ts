import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { randomNotebookKey, sodiumReady, type NotebookKey } from '../../../crypto/index.ts';
import { createBlobSync } from '../../../sync/blob/blob-sync.ts';
import { replicateBox, type Replication } from '../../../sync/replication/replicate-box.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { keyedRelayWrite } from '../../helpers/relay-writer.ts';
import { keylessRoomClient } from '../relay/keyless-room-client.ts';
import { tempDataDir, until } from '../relay/relay-harness.ts';
import { sameBytes } from '../transport/peer-pair.ts';
import { countingFetch, newStore, putPhoto, uploadsIdle, type Photo } from './blob-sync-harness.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';

/**
 * Issue 18 §5: a relay that lost its data (restarted with an empty data directory) never got
 * the photos back: notes are re-sent by the sync protocol on reconnect, but blobs were
 * uploaded once and never checked again, so a new device that syncs through the relay alone
 * never received a thumbnail, however long the owner stayed online.
 */
const Ws = WebSocket as unknown as typeof globalThis.WebSocket;
const KEY_HOLDER: { key?: NotebookKey } = {};
/** The notebook's room, as replicateBox insists (a derived id and password). */
const room = () => deriveRoomId(KEY_HOLDER.key!, 'nb');
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(sodiumReady);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The real relay on a fixed port; `restart(empty)` stops it and starts it again, with its data or a fresh directory. */
async function restartableRelay(): Promise<{ relay: () => RelayServer; restart: (empty: boolean) => Promise<void> }> {
  const dirs = [tempDataDir()];
  let relay = await startRelayServer({ dataDir: dirs[0]!.dir, port: 0 });
  const port = Number(new URL(relay.url).port);
  cleanups.push(async () => {
    await relay.close();
    dirs.forEach((dir) => dir.remove());
  });
  return {
    relay: () => relay,
    async restart(empty) {
      await relay.close();
      if (empty) dirs.push(tempDataDir());
      relay = await startRelayServer({ dataDir: dirs[dirs.length - 1]!.dir, port });
    },
  };
}

/** The owner's device as the app wires it: the notebook's box through the relay, its blob sync told about that connection. */
function ownerDevice(relayUrl: string, blobsUrl: string, key: NotebookKey, fetch = countingFetch()) {
  const box = new Y.Doc();
  const replication: Replication = replicateBox({
    box,
    roomId: room(),
    password: deriveRoomPassword(key, 'nb'),
    settings: { signalingUrls: [], relayUrl, iceServers: [] },
    WebSocketPolyfill: Ws,
    relayWrite: keyedRelayWrite(key, room()),
  });
  const store = newStore();
  // A variable, not a literal: the wiring is what src/app/blob-sync-registry.ts passes.
  const wiring = { store, roomId: room(), blobsUrl, fetch: fetch.fetch, retryMs: 100, capToken: () => replication.relayWriteToken(), relayConnection: replication };
  const blobs = createBlobSync(wiring);
  cleanups.push(() => {
    blobs.destroy();
    replication.destroy();
  });
  return { box, replication, store, blobs, fetch };
}

async function relayHas(blobsUrl: string, ids: readonly string[]): Promise<boolean> {
  const heads = await Promise.all(ids.map((id) => fetch(`${blobsUrl}/${room()}/${id}`, { method: 'HEAD' }).then((r) => r.status)));
  return heads.every((status) => status === 200);
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

/**
 * A new device, relay only, asking for thumbnails as the grid does (photo-url.ts): once, then
 * again whenever its blob sync reports `sources`. Resolves with how many arrived by `ms`.
 */
async function newDeviceThumbs(blobsUrl: string, photos: readonly Photo[], ms: number): Promise<{ store: ReturnType<typeof newStore>; arrived: number }> {
  const store = newStore();
  const blobs = createBlobSync({ store, roomId: room(), blobsUrl, retryMs: 100 });
  cleanups.push(() => blobs.destroy());
  const ids = photos.map((p) => p.thumb.id);
  const ask = () => ids.forEach((id) => void blobs.want(id, 'thumb'));
  const off = blobs.onChange((event) => void (event.type === 'sources' && ask()));
  ask();
  await waitFor(async () => (await Promise.all(ids.map((id) => store.has(id)))).every(Boolean), ms);
  off();
  const arrived = (await Promise.all(ids.map((id) => store.has(id)))).filter(Boolean).length;
  return { store, arrived };
}

describe('a relay that lost its data gets the photos back', () => {
  it('restarted with an empty data dir: the owner, still online, puts its notes and every blob back, and a new device receives every thumbnail', async () => {
    const { relay, restart } = await restartableRelay();
    const blobsUrl = `${relay().url}relay-blobs`;
    const key = randomNotebookKey();
    KEY_HOLDER.key = key;
    const owner = ownerDevice(relay().relayUrl, blobsUrl, key);
    const photos = [await putPhoto(owner.store, 1, 100 * 1024), await putPhoto(owner.store, 2, 100 * 1024), await putPhoto(owner.store, 3, 100 * 1024)];
    owner.box.getMap('entries').set('note-1', new Uint8Array([1, 2, 3]));
    for (const photo of photos) {
      owner.blobs.offer(photo.thumb.id);
      owner.blobs.offer(photo.photo.id);
    }
    const all = photos.flatMap((p) => [p.thumb.id, p.photo.id]);
    expect(await waitFor(() => relayHas(blobsUrl, all), 10_000)).toBe(true);
    await uploadsIdle(owner.blobs);

    await restart(true);
    const restarted = performance.now();
    expect(await relayHas(blobsUrl, [photos[0]!.thumb.id])).toBe(false);

    // The owner stays online: within 20 s the relay holds its notes and blobs again.
    const mirror = new Y.Doc();
    const reader = keylessRoomClient(relay().relayUrl, room(), mirror);
    cleanups.push(() => reader.destroy());
    const { store, arrived } = await newDeviceThumbs(blobsUrl, photos, 20_000);
    console.log(`relay restarted empty: ${arrived} of ${photos.length} thumbnails reached a new device (${((performance.now() - restarted) / 1000).toFixed(1)} s after the restart)`);
    expect(arrived).toBe(photos.length);
    for (const [i, photo] of photos.entries()) {
      const read = await store.readAll(photo.thumb.id, photo.key, photoBlobAd('nb', `note-${i + 1}`, 'thumb'));
      expect(read.ok && sameBytes(read.value, photo.thumbPlain)).toBe(true);
    }
    expect(await relayHas(blobsUrl, all)).toBe(true);
    await Promise.race([until(mirror, () => mirror.getMap('entries').has('note-1')), new Promise((r) => setTimeout(r, 5_000))]);
    expect(mirror.getMap('entries').has('note-1')).toBe(true);
  }, 60_000);

  it('bounded: a restart that kept the data costs one HEAD per blob and no upload; a flapping relay is checked with backoff', async () => {
    const { relay, restart } = await restartableRelay();
    const blobsUrl = `${relay().url}relay-blobs`;
    const key = randomNotebookKey();
    KEY_HOLDER.key = key;
    const owner = ownerDevice(relay().relayUrl, blobsUrl, key);
    const photos = [await putPhoto(owner.store, 4, 100 * 1024), await putPhoto(owner.store, 5, 100 * 1024), await putPhoto(owner.store, 6, 100 * 1024)];
    for (const photo of photos) {
      owner.blobs.offer(photo.thumb.id);
      owner.blobs.offer(photo.photo.id);
    }
    const all = photos.flatMap((p) => [p.thumb.id, p.photo.id]);
    expect(await waitFor(() => relayHas(blobsUrl, all), 10_000)).toBe(true);
    await uploadsIdle(owner.blobs);
    // Let the first connection's own check (2 s after it opened) run before counting.
    await new Promise((r) => setTimeout(r, 2_500));
    const count = (method: string) => owner.fetch.requests.filter((r) => r.startsWith(`${method} `)).length;
    const puts = count('PUT');

    const heads = count('HEAD');
    await restart(false);
    expect(await waitFor(async () => count('HEAD') >= heads + all.length, 10_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    console.log(`restart with its data: ${count('HEAD') - heads} HEADs, ${count('PUT') - puts} PUTs for ${all.length} blobs`);
    expect(count('HEAD') - heads).toBe(all.length);
    expect(count('PUT')).toBe(puts);

    // Three restarts in quick succession: each short connection makes the next check wait longer.
    const before = count('HEAD');
    for (let i = 0; i < 3; i++) {
      await restart(false);
      await new Promise((r) => setTimeout(r, 700));
    }
    await new Promise((r) => setTimeout(r, 4_000));
    console.log(`3 flaps: ${count('HEAD') - before} HEADs in the 6 s that followed`);
    expect(count('HEAD') - before).toBe(0);
    expect(count('PUT')).toBe(puts);
  }, 60_000);
});
