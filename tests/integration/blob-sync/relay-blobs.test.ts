import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomNotebookKey, sodiumReady } from '../../../crypto/index.ts';
import { pieceCount } from '../../../sync/blob/blob-layout.ts';
import { createBlobSync, type BlobSync } from '../../../sync/blob/blob-sync.ts';
import { relayWrite } from '../../../sync/replication/relay-write.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { keyedRelayWrite } from '../../helpers/relay-writer.ts';
import { tempDataDir } from '../relay/relay-harness.ts';
import { sameBytes } from '../transport/peer-pair.ts';
import { countingFetch, newStore, putPhoto, readPhoto, ROOM } from './blob-sync-harness.ts';

let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;
const syncs: BlobSync[] = [];
const blobsUrl = () => `${relay.url}relay-blobs`;

beforeAll(async () => {
  await sodiumReady();
  data = tempDataDir();
  // Blob transfer mechanics; the write capability has its own test below (uploads carry the room's token).
  relay = await startRelayServer({ dataDir: data.dir, port: 0, requireWriteCapability: false });
});

afterEach(() => syncs.splice(0).forEach((sync) => sync.destroy()));

afterAll(async () => {
  await relay.close();
  data.remove();
});

function track(sync: BlobSync): BlobSync {
  syncs.push(sync);
  return sync;
}

/** Resolves when the sync has no uploads left. */
function uploaded(sync: BlobSync): Promise<void> {
  return new Promise((resolve) => {
    if (sync.pending().uploads === 0) return resolve();
    const off = sync.onChange(() => {
      if (sync.pending().uploads > 0) return;
      off();
      resolve();
    });
  });
}

describe('blob sync through the relay only', () => {
  it('a 1.5 MiB photo (25 pieces) and its thumbnail go up as Content-Range parts and come down to a new device as Range reads, verified', async () => {
    const phone = newStore();
    const photo = await putPhoto(phone, 1);
    expect(pieceCount(photo.photo.size)).toBeGreaterThan(16);
    const up = countingFetch();
    const sender = track(createBlobSync({ store: phone, roomId: ROOM, blobsUrl: blobsUrl(), fetch: up.fetch }));
    sender.offer(photo.thumb.id);
    sender.offer(photo.photo.id);
    await new Promise((r) => setTimeout(r, 0));
    expect(sender.pending().uploads).toBeGreaterThan(0);
    await uploaded(sender);
    // Two parts for the photo (16 pieces, then the rest), one for the thumbnail.
    expect(up.requests.filter((r) => r.startsWith('PUT'))).toHaveLength(3);
    expect(up.up()).toBe(photo.photo.size + photo.thumb.size);
    expect(await phone.pendingOffers(ROOM)).toEqual([]);

    const laptop = newStore();
    const down = countingFetch();
    const receiver = track(createBlobSync({ store: laptop, roomId: ROOM, blobsUrl: blobsUrl(), fetch: down.fetch }));
    expect(await receiver.want(photo.thumb.id, 'thumb')).toEqual({ ok: true, value: undefined });
    expect(await receiver.want(photo.photo.id, 'photo')).toEqual({ ok: true, value: undefined });
    expect(sameBytes((await readPhoto(laptop, photo, 1))!, photo.plain)).toBe(true);
    expect(down.down()).toBe(photo.photo.size + photo.thumb.size);
    expect(receiver.pending()).toEqual({ uploads: 0, downloads: 0 });
  });

  it('E_BLOB_UNAVAILABLE: a blob neither the relay nor any peer has', async () => {
    const store = newStore();
    const sync = track(createBlobSync({ store, roomId: ROOM, blobsUrl: blobsUrl() }));
    const result = await sync.want('ab'.repeat(32), 'thumb');
    expect(result.ok ? undefined : result.error.code).toBe('E_BLOB_UNAVAILABLE');
    expect(await store.has('ab'.repeat(32))).toBe(false);
    // Not a blob id at all (never asked of anyone).
    expect(await sync.want('../other-room/x', 'photo')).toMatchObject({ ok: false, error: { code: 'E_BLOB_UNAVAILABLE' } });
  });

  it('E_BLOB_SYNC_CLOSED: a want still queued when the sync is destroyed', async () => {
    const sync = createBlobSync({ store: newStore(), roomId: ROOM, blobsUrl: blobsUrl() });
    const wants = [sync.want('cd'.repeat(32), 'photo'), sync.want('ef'.repeat(32), 'photo'), sync.want('01'.repeat(32), 'photo')];
    await new Promise((r) => setTimeout(r, 0));
    sync.destroy();
    const codes = (await Promise.all(wants)).map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes).toContain('E_BLOB_SYNC_CLOSED');
    expect(await sync.want('23'.repeat(32), 'thumb')).toMatchObject({ ok: false, error: { code: 'E_BLOB_SYNC_CLOSED' } });
  });

  it('an offer left pending by a reload is uploaded by the next blob sync on that store', async () => {
    const store = newStore();
    const photo = await putPhoto(store, 2, 200 * 1024);
    await store.markOffer(ROOM, photo.photo.id, true);
    await store.markOffer('another-room-0123456789', photo.thumb.id, true);
    const sync = track(createBlobSync({ store, roomId: ROOM, blobsUrl: blobsUrl() }));
    await new Promise((r) => setTimeout(r, 50));
    await uploaded(sync);
    const head = await fetch(`${blobsUrl()}/${ROOM}/${photo.photo.id}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    // An offer of another notebook's room stays for that room's sync.
    expect(await store.pendingOffers('another-room-0123456789')).toEqual([photo.thumb.id]);
    expect((await fetch(`${blobsUrl()}/${ROOM}/${photo.thumb.id}`, { method: 'HEAD' })).status).toBe(404);
  });

  it('an upload another device began with other part sizes continues from the relay\'s offset, even inside a piece', async () => {
    const phone = newStore();
    const photo = await putPhoto(phone, 4, 300 * 1024);
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < pieceCount(photo.photo.size); i++) pieces.push((await phone.readPiece(photo.photo.id, i))!);
    const whole = Buffer.concat(pieces);
    const url = `${blobsUrl()}/${ROOM}/${photo.photo.id}`;
    const begun = await fetch(url, { method: 'PUT', headers: { 'Content-Range': `bytes 0-99999/${whole.length}` }, body: whole.subarray(0, 100_000) });
    expect(begun.status).toBe(202);
    const up = countingFetch();
    const sync = track(createBlobSync({ store: phone, roomId: ROOM, blobsUrl: blobsUrl(), fetch: up.fetch }));
    sync.offer(photo.photo.id);
    await new Promise((r) => setTimeout(r, 20));
    await uploaded(sync);
    expect(up.up()).toBe(whole.length - 100_000);
    expect(sameBytes(new Uint8Array(await (await fetch(url)).arrayBuffer()), whole)).toBe(true);
  });

  it('the relay stores only ciphertext: its file is byte for byte the blob the phone holds', async () => {
    const phone = newStore();
    const photo = await putPhoto(phone, 3, 100 * 1024);
    const sync = track(createBlobSync({ store: phone, roomId: ROOM, blobsUrl: blobsUrl() }));
    sync.offer(photo.photo.id);
    await new Promise((r) => setTimeout(r, 50));
    await uploaded(sync);
    const onRelay = new Uint8Array(await (await fetch(`${blobsUrl()}/${ROOM}/${photo.photo.id}`)).arrayBuffer());
    const local: Uint8Array[] = [];
    for (let i = 0; i < pieceCount(photo.photo.size); i++) local.push((await phone.readPiece(photo.photo.id, i))!);
    expect(sameBytes(onRelay, Buffer.concat(local))).toBe(true);
    expect(Buffer.from(onRelay).includes(Buffer.from(photo.plain.subarray(0, 64)))).toBe(false);
  });
});

describe('blob uploads carry the room\'s write capability', () => {
  it('without a token the relay refuses the upload (403) and keeps nothing; with the room\'s token it stores the blob', async () => {
    const guarded = tempDataDir();
    const strict = await startRelayServer({ dataDir: guarded.dir, port: 0 });
    try {
      const key = randomNotebookKey();
      const write = relayWrite(strict.relayUrl, ROOM, keyedRelayWrite(key, ROOM));
      await write.sync();
      const phone = newStore();
      const photo = await putPhoto(phone, 2);
      const url = `${strict.url}relay-blobs`;
      const anonymous = countingFetch();
      const refused = track(createBlobSync({ store: phone, roomId: ROOM, blobsUrl: url, fetch: anonymous.fetch, retryMs: 50 }));
      refused.offer(photo.thumb.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      refused.destroy();
      expect((await fetch(`${url}/${ROOM}/${photo.thumb.id}`, { method: 'HEAD' })).status).toBe(404);
      const sender = track(createBlobSync({ store: phone, roomId: ROOM, blobsUrl: url, capToken: () => write.token() }));
      sender.offer(photo.thumb.id);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(sender.pending().uploads).toBeGreaterThan(0);
      await uploaded(sender);
      expect((await fetch(`${url}/${ROOM}/${photo.thumb.id}`, { method: 'HEAD' })).status).toBe(200);
    } finally {
      await strict.close();
      guarded.remove();
    }
  });
});

