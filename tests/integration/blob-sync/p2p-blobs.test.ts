import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { decodeLaneMessage, encodeLaneMessage, LANE_PIECE } from '../../../sync/blob/blob-lane-messages.ts';
import { pieceCount } from '../../../sync/blob/blob-layout.ts';
import { createBlobSync, type BlobSync } from '../../../sync/blob/blob-sync.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { createBlobLane, type BlobLane } from '../../../sync/transport/blob-lane.ts';
import { tempDataDir } from '../relay/relay-harness.ts';
import { chunkedNodeWrtc, connectPair, sameBytes, type Endpoint } from '../transport/peer-pair.ts';
import { countingFetch, newStore, putPhoto, readPhoto, ROOM } from './blob-sync-harness.ts';

/**
 * Two devices joined by a real @roamhq/wrtc connection through our chunked data channels,
 * as y-webrtc's simple-peer makes it; the blob lane rides beside the peer's own messages.
 */
let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  await sodiumReady();
  data = tempDataDir();
  // Blob transfer mechanics; the write capability has its own test below (uploads carry the room's token).
  relay = await startRelayServer({ dataDir: data.dir, port: 0, requireWriteCapability: false });
});

afterEach(() => cleanups.splice(0).reverse().forEach((cleanup) => cleanup()));

afterAll(async () => {
  await relay.close();
  data.remove();
});

async function linked(laneA: BlobLane, laneB: BlobLane): Promise<[Endpoint, Endpoint]> {
  const pair = await connectPair(chunkedNodeWrtc({ onLaneChannel: laneA.attach }), chunkedNodeWrtc({ onLaneChannel: laneB.attach }));
  cleanups.push(() => pair.forEach((end) => end.peer.destroy()));
  await vi.waitFor(() => expect(laneA.peers().length * laneB.peers().length).toBe(1));
  return pair;
}

function lanes(): [BlobLane, BlobLane] {
  const pair: [BlobLane, BlobLane] = [createBlobLane(), createBlobLane()];
  cleanups.push(() => pair.forEach((lane) => lane.destroy()));
  return pair;
}

function sync(...args: Parameters<typeof createBlobSync>): BlobSync {
  const created = createBlobSync(...args);
  cleanups.push(() => created.destroy());
  return created;
}

/** Bytes of ciphertext that arrived in PIECE messages on `lane`. */
function pieceBytes(lane: BlobLane): () => number {
  let bytes = 0;
  lane.onMessage((_peer, message) => void (message[0] === LANE_PIECE && (bytes += message.length - 13)));
  return () => bytes;
}

describe('blob sync peer to peer (blob lane), no relay', () => {
  it('a new device gets a 1.5 MiB photo and its thumbnail from an online peer, verified, with no relay configured', async () => {
    const [laneA, laneB] = lanes();
    const phone = newStore();
    const photo = await putPhoto(phone, 11);
    sync({ store: phone, roomId: ROOM, lane: laneA });
    const laptop = newStore();
    const receiver = sync({ store: laptop, roomId: ROOM, lane: laneB });
    const received = pieceBytes(laneB);
    const [a, b] = await linked(laneA, laneB);
    const [thumb, full] = await Promise.all([receiver.want(photo.thumb.id, 'thumb'), receiver.want(photo.photo.id, 'photo')]);
    expect([thumb.ok, full.ok]).toEqual([true, true]);
    expect(sameBytes((await readPhoto(laptop, photo, 11))!, photo.plain)).toBe(true);
    expect(received()).toBe(photo.photo.size + photo.thumb.size);
    // The peer's own channel (what y-webrtc uses) still carries its messages.
    a.peer.send(new Uint8Array([1, 2, 3]));
    expect([...(await b.receivedCount(1))[0]!]).toEqual([1, 2, 3]);
  });

  it('resumes after the peer connection drops mid-transfer: no piece is sent twice', async () => {
    const [laneA, laneB] = lanes();
    const phone = newStore();
    const photo = await putPhoto(phone, 12);
    sync({ store: phone, roomId: ROOM, lane: laneA });
    const laptop = newStore();
    const receiver = sync({ store: laptop, roomId: ROOM, lane: laneB, retryMs: 50 });
    const received = pieceBytes(laneB);
    const [a] = await linked(laneA, laneB);
    let pieces = 0;
    laneB.onMessage((_peer, message) => void (message[0] === LANE_PIECE && ++pieces === 10 && a.peer.destroy()));
    const first = await receiver.want(photo.photo.id, 'photo');
    expect(first).toMatchObject({ ok: false, error: { code: 'E_BLOB_UNAVAILABLE' } });
    const progress = await laptop.incoming(photo.photo.id);
    expect(progress?.next).toBeGreaterThanOrEqual(10);
    expect(progress?.next).toBeLessThan(pieceCount(photo.photo.size));
    const sentBefore = received();

    await linked(laneA, laneB);
    expect(await receiver.want(photo.photo.id, 'photo')).toEqual({ ok: true, value: undefined });
    expect(sameBytes((await readPhoto(laptop, photo, 12))!, photo.plain)).toBe(true);
    console.log(`peer drop after ${sentBefore} of ${photo.photo.size} bytes; ${received() - sentBefore} bytes after reconnecting; re-sent ${received() - photo.photo.size}`);
    expect(received()).toBe(photo.photo.size);
  });

  it('a blob fetched from a peer is handed on to the relay, for devices that come online later', async () => {
    const [laneA, laneB] = lanes();
    const phone = newStore();
    const photo = await putPhoto(phone, 15, 200 * 1024);
    sync({ store: phone, roomId: ROOM, lane: laneA });
    const laptop = newStore();
    const receiver = sync({ store: laptop, roomId: ROOM, lane: laneB, blobsUrl: `${relay.url}relay-blobs` });
    await linked(laneA, laneB);
    expect(await receiver.want(photo.photo.id, 'photo')).toEqual({ ok: true, value: undefined });
    await vi.waitFor(async () => expect((await fetch(`${relay.url}relay-blobs/${ROOM}/${photo.photo.id}`, { method: 'HEAD' })).status).toBe(200));
    const later = newStore();
    expect(await sync({ store: later, roomId: ROOM, blobsUrl: `${relay.url}relay-blobs` }).want(photo.photo.id, 'photo')).toEqual({ ok: true, value: undefined });
    expect(sameBytes((await readPhoto(later, photo, 15))!, photo.plain)).toBe(true);
  });

  it('E_HASH_MISMATCH from a peer that sends wrong bytes: nothing stored, then fetched intact from the relay', async () => {
    const [liarLane, laneB] = lanes();
    const honest = newStore();
    const photo = await putPhoto(honest, 13, 300 * 1024);
    const uploader = sync({ store: honest, roomId: ROOM, blobsUrl: `${relay.url}relay-blobs` });
    uploader.offer(photo.photo.id);
    await vi.waitFor(async () => expect((await fetch(`${relay.url}relay-blobs/${ROOM}/${photo.photo.id}`, { method: 'HEAD' })).status).toBe(200));
    // The liar answers every GET with the right pieces, one byte flipped.
    let gets = 0;
    liarLane.onMessage((peer, bytes) => {
      const decoded = decodeLaneMessage(bytes);
      if (!decoded.ok || decoded.message.type !== 'get') return;
      gets++;
      const { request, id, first, count } = decoded.message;
      void (async () => {
        const stat = (await honest.stat(id))!;
        for (let index = first; index < Math.min(first + count, stat.pieces); index++) {
          const piece = (await honest.readPiece(id, index))!;
          if (index === 3) piece[7]! ^= 0x40;
          peer.send(encodeLaneMessage({ type: 'piece', request, index, size: stat.size, bytes: piece }));
        }
      })();
    });
    const laptop = newStore();
    const down = countingFetch();
    const receiver = sync({ store: laptop, roomId: ROOM, lane: laneB, blobsUrl: `${relay.url}relay-blobs`, fetch: down.fetch });
    const stored: string[] = [];
    const original = laptop.receivePiece.bind(laptop);
    laptop.receivePiece = async (...args) => {
      const result = await original(...args);
      if (!result.ok) stored.push(result.error.code);
      return result;
    };
    await linked(liarLane, laneB);
    expect(await receiver.want(photo.photo.id, 'photo')).toEqual({ ok: true, value: undefined });
    expect(gets).toBeGreaterThan(0);
    expect(stored).toEqual(['E_HASH_MISMATCH']);
    expect(down.down()).toBe(photo.photo.size);
    expect(sameBytes((await readPhoto(laptop, photo, 13))!, photo.plain)).toBe(true);
  });

  it('E_HASH_MISMATCH from a relay whose copy was altered on disk: nothing stored; an honest peer then delivers', async () => {
    const [laneA, laneB] = lanes();
    const phone = newStore();
    const photo = await putPhoto(phone, 14, 300 * 1024);
    const uploader = sync({ store: phone, roomId: ROOM, blobsUrl: `${relay.url}relay-blobs` });
    uploader.offer(photo.photo.id);
    const file = join(data.dir, 'blobs', ROOM, photo.photo.id);
    await vi.waitFor(() => expect(readFileSync(file).length).toBe(photo.photo.size));
    const altered = readFileSync(file);
    altered[1000]! ^= 1;
    writeFileSync(file, altered);

    const laptop = newStore();
    const receiver = sync({ store: laptop, roomId: ROOM, lane: laneB, blobsUrl: `${relay.url}relay-blobs` });
    const result = await receiver.want(photo.photo.id, 'photo');
    expect(result).toMatchObject({ ok: false, error: { code: 'E_HASH_MISMATCH' } });
    expect(await laptop.has(photo.photo.id)).toBe(false);
    expect(await laptop.incoming(photo.photo.id)).toBeUndefined();

    sync({ store: phone, roomId: ROOM, lane: laneA });
    await linked(laneA, laneB);
    expect(await receiver.want(photo.photo.id, 'photo')).toEqual({ ok: true, value: undefined });
    expect(sameBytes((await readPhoto(laptop, photo, 14))!, photo.plain)).toBe(true);
  });
});
