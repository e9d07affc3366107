import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash, encryptBlob, randomBytes, randomPhotoKey, sodiumReady, utf8 } from '../../../crypto/index.ts';
import { type RelayServer } from '../../../sync/server/relay-server.ts';
import { startRelay } from './room-socket.ts';
import { filesContaining, tempDataDir } from './relay-harness.ts';

const KIB = 1024;
const MARKER = 'pangolin-canary-55e1 photo bytes';
let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;

beforeAll(async () => {
  await sodiumReady();
  data = tempDataDir();
  relay = await start();
});

// Tests one relay mechanism below the write capability, which write-capability.test.ts tests: every client here may write.
const start = () => startRelay({ dataDir: data.dir, port: 0, limits: { maxBlobBytes: 256 * KIB, maxRoomBlobBytes: 600 * KIB }, requireWriteCapability: false });

afterAll(async () => {
  await relay.close();
  data.remove();
});

const url = (room: string, hash: string) => `${relay.blobsUrl}/${room}/${hash}`;
const put = (room: string, hash: string, body: Uint8Array | ReadableStream<Uint8Array>) =>
  fetch(url(room, hash), { method: 'PUT', body, duplex: 'half' } as RequestInit);

/** Compares large byte arrays by digest: vitest's deep equality walks them element by element. */
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesAt = async (address: string) => sha(new Uint8Array(await (await fetch(address)).arrayBuffer()));

/** A body without Content-Length, so the relay only learns its size while reading it. */
function streamed(bytes: Uint8Array, chunk = 16 * KIB): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, (offset += chunk)));
    },
  });
}

describe('relay: blobs', () => {
  it('stores ciphertext by its BLAKE2b-256 and returns the exact bytes (GET, HEAD), with isolation headers', async () => {
    const room = 'blob-room-0123456789';
    const ciphertext = encryptBlob(randomPhotoKey(), utf8(MARKER.repeat(3000)), utf8('photo-ad'));
    const hash = contentHash(ciphertext);
    const first = await put(room, hash, streamed(ciphertext));
    expect(first.status).toBe(201);
    expect((await put(room, hash, ciphertext)).status).toBe(200);
    const got = await fetch(url(room, hash));
    expect(got.status).toBe(200);
    expect(got.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(got.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(sha(new Uint8Array(await got.arrayBuffer()))).toEqual(sha(ciphertext));
    // A broken download continues with a Range.
    const tail = await fetch(url(room, hash), { headers: { Range: 'bytes=1000-' } });
    expect([tail.status, tail.headers.get('content-range')]).toEqual([206, `bytes 1000-${ciphertext.length - 1}/${ciphertext.length}`]);
    expect(sha(new Uint8Array(await tail.arrayBuffer()))).toEqual(sha(ciphertext.subarray(1000)));
    const last = await fetch(url(room, hash), { headers: { Range: 'bytes=-16' } });
    expect(new Uint8Array(await last.arrayBuffer())).toEqual(ciphertext.subarray(-16));
    const beyond = await fetch(url(room, hash), { headers: { Range: `bytes=${ciphertext.length}-` } });
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, `bytes */${ciphertext.length}`]);
    const head = await fetch(url(room, hash), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(ciphertext.length)]);
    expect((await fetch(url(room, 'a'.repeat(64)))).status).toBe(404);
    expect(filesContaining(data.dir, MARKER)).toEqual([]);
  });

  it('refuses a wrong hash (422), an oversize blob (413) and a full room (507), leaving no file behind', async () => {
    const room = 'limit-room-0123456789';
    const bytes = randomBytes(100 * KIB);
    expect((await put(room, contentHash(randomBytes(8)), bytes)).status).toBe(422);
    expect((await put(room, 'f'.repeat(64), streamed(bytes))).status).toBe(422);
    const big = randomBytes(256 * KIB + 1);
    expect((await put(room, contentHash(big), big)).status).toBe(413);
    expect((await put(room, contentHash(big), streamed(big))).status).toBe(413);
    // 600 KiB quota: two 250 KiB blobs fit, a third does not (declared or streamed).
    for (let i = 0; i < 2; i++) {
      const blob = randomBytes(250 * KIB);
      expect((await put(room, contentHash(blob), blob)).status).toBe(201);
    }
    const third = randomBytes(250 * KIB);
    expect((await put(room, contentHash(third), third)).status).toBe(507);
    expect((await put(room, contentHash(third), streamed(third))).status).toBe(507);
    expect((await fetch(url(room, contentHash(third)))).status).toBe(404);
    // Only the two stored blobs: no temp files, nothing of the refused uploads.
    expect(readdirSync(join(data.dir, 'blobs', room)).length).toBe(2);
  });

  it('answers malformed paths and methods without touching the disk', async () => {
    expect((await fetch(`${relay.blobsUrl}/short/${'a'.repeat(64)}`)).status).toBe(404);
    expect((await fetch(`${relay.blobsUrl}/blob-room-0123456789/../../etc`)).status).toBe(404);
    expect((await fetch(url('blob-room-0123456789', 'A'.repeat(64)))).status).toBe(404);
    const del = await fetch(url('blob-room-0123456789', 'a'.repeat(64)), { method: 'DELETE' });
    expect([del.status, del.headers.get('allow')]).toEqual([405, 'GET, HEAD, PUT']);
  });

  it('resumes an upload part by part across a relay restart (202, 409, HEAD offset), then checks the whole hash', async () => {
    const room = 'resume-room-0123456789';
    const blob = randomBytes(200 * KIB);
    const hash = contentHash(blob);
    const part = (start: number, end: number, body = blob.subarray(start, end + 1)) =>
      fetch(url(room, hash), { method: 'PUT', body: new Uint8Array(body), headers: { 'Content-Range': `bytes ${start}-${end}/${blob.length}` } });
    const offset = (response: Response) => [response.status, response.headers.get('upload-offset')];

    expect(offset(await part(0, 64 * KIB - 1))).toEqual([202, String(64 * KIB)]);
    expect(offset(await fetch(url(room, hash), { method: 'HEAD' }))).toEqual([404, String(64 * KIB)]);
    // A part that does not start where the relay is, or is cut short, changes nothing.
    expect(offset(await part(0, 64 * KIB - 1))).toEqual([409, String(64 * KIB)]);
    expect((await part(64 * KIB, 128 * KIB - 1, blob.subarray(64 * KIB, 65 * KIB))).status).toBe(400);
    await relay.close();
    relay = await start();
    expect(offset(await fetch(url(room, hash), { method: 'HEAD' }))).toEqual([404, String(64 * KIB)]);
    expect(offset(await part(64 * KIB, 128 * KIB - 1))).toEqual([202, String(128 * KIB)]);
    expect((await part(128 * KIB, blob.length - 1)).status).toBe(201);
    expect(await bytesAt(url(room, hash))).toEqual(sha(blob));

    // The hash is checked over the whole upload: a wrong one stores nothing.
    const wrong = 'e'.repeat(64);
    const put1 = await fetch(url(room, wrong), { method: 'PUT', body: new Uint8Array(blob.subarray(0, 1000)), headers: { 'Content-Range': `bytes 0-999/2000` } });
    expect(put1.status).toBe(202);
    const put2 = await fetch(url(room, wrong), { method: 'PUT', body: new Uint8Array(blob.subarray(1000, 2000)), headers: { 'Content-Range': `bytes 1000-1999/2000` } });
    expect(put2.status).toBe(422);
    expect(readdirSync(join(data.dir, 'blobs', room))).toEqual([hash]);
  });
});
