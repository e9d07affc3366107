import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, HeadObjectCommand, ListObjectsV2Command, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { S3BlobStore } from '../../../sync/server/relay/s3-blob-store.ts';
import { blobStoreContract, chunked, CLIENT_PART, CONTRACT_LIMITS, hashOf, readAll, ROOM, uploadInParts, type StoreLimits } from './blob-store-contract';
import { startS3Services, type S3Services } from './s3-services';

let services: S3Services;
beforeAll(async () => {
  await sodiumReady();
  services = await startS3Services();
}, 120_000);
afterAll(async () => {
  await services?.stop();
});

/** Two relay nodes: two stores, each with its own S3 client and PostgreSQL pool, on one bucket and one database. */
async function openNodes(limits: StoreLimits, count = 2) {
  const database = await services.newDatabase();
  const bucket = `blobs-${randomBytes(6).toString('hex')}`;
  const clients: S3Client[] = [];
  const pools: pg.Pool[] = [];
  const stores: S3BlobStore[] = [];
  for (let i = 0; i < count; i++) {
    const s3 = services.s3();
    const pool = new pg.Pool({ connectionString: database });
    // An idle client's connection ending when PostgreSQL stops is not a test failure.
    pool.on('error', () => undefined);
    clients.push(s3);
    pools.push(pool);
    stores.push(await S3BlobStore.open({ s3, bucket, pool, ...limits }));
  }
  return {
    stores, bucket, database, s3: clients[0] as S3Client,
    async close() {
      for (const pool of pools) await pool.end();
      for (const s3 of clients) s3.destroy();
    },
  };
}

blobStoreContract('S3 (Ceph RADOS Gateway) + PostgreSQL', async (limits) => {
  const nodes = await openNodes(limits, 1);
  return { store: nodes.stores[0] as S3BlobStore, close: () => nodes.close() };
});

describe('S3 blob store across relay nodes', () => {
  it('a resumable upload cut at node 1 continues through node 2 and arrives byte-exact', async () => {
    const nodes = await openNodes(CONTRACT_LIMITS);
    const [one, two] = nodes.stores as [S3BlobStore, S3BlobStore];
    try {
      const bytes = randomBytes(20 * 1024 * 1024 + 99);
      const hash = hashOf(bytes);
      const cut = 9 * CLIENT_PART;
      for (let start = 0; start < cut; start += CLIENT_PART) {
        expect(await one.putPart(ROOM, hash, { start, end: start + CLIENT_PART - 1, total: bytes.length }, chunked(bytes.subarray(start, start + CLIENT_PART)))).toMatchObject({ ok: true });
      }
      // The client's HEAD lands on node 2, which knows where the upload stands.
      expect(await two.partialOffset(ROOM, hash)).toBe(cut);
      expect(await uploadInParts(two, ROOM, bytes, CLIENT_PART, cut)).toEqual({ ok: true, created: true, size: bytes.length });
      expect((await readAll(one, ROOM, hash)).equals(bytes)).toBe(true);
    } finally {
      await nodes.close();
    }
  });

  it('while node 1 writes a part of an upload, node 2 is told to come back (409), and the upload stays whole', async () => {
    const nodes = await openNodes(CONTRACT_LIMITS);
    const [one, two] = nodes.stores as [S3BlobStore, S3BlobStore];
    try {
      const bytes = randomBytes(3 * CLIENT_PART);
      const hash = hashOf(bytes);
      expect(await one.putPart(ROOM, hash, { start: 0, end: CLIENT_PART - 1, total: bytes.length }, chunked(bytes.subarray(0, CLIENT_PART)))).toMatchObject({ ok: true });
      let release!: () => void;
      const gate = new Promise<void>((done) => { release = done; });
      async function* slow(): AsyncGenerator<Uint8Array> {
        yield bytes.subarray(CLIENT_PART, CLIENT_PART + 1000);
        await gate;
        yield bytes.subarray(CLIENT_PART + 1000, 2 * CLIENT_PART);
      }
      const first = one.putPart(ROOM, hash, { start: CLIENT_PART, end: 2 * CLIENT_PART - 1, total: bytes.length }, slow());
      await new Promise((done) => setTimeout(done, 300));
      expect(await two.putPart(ROOM, hash, { start: CLIENT_PART, end: 2 * CLIENT_PART - 1, total: bytes.length }, chunked(bytes.subarray(CLIENT_PART, 2 * CLIENT_PART))))
        .toMatchObject({ ok: false, status: 409, offset: CLIENT_PART });
      release();
      expect(await first).toEqual({ ok: true, offset: 2 * CLIENT_PART });
      expect(await uploadInParts(two, ROOM, bytes, CLIENT_PART, 2 * CLIENT_PART)).toEqual({ ok: true, created: true, size: bytes.length });
      expect((await readAll(two, ROOM, hash)).equals(bytes)).toBe(true);
    } finally {
      await nodes.close();
    }
  });

  it("one room's quota holds across nodes", async () => {
    const MiB = 1024 * 1024;
    const nodes = await openNodes({ maxBlobBytes: 4 * MiB, maxRoomBlobBytes: 5 * MiB });
    const [one, two] = nodes.stores as [S3BlobStore, S3BlobStore];
    try {
      const a = randomBytes(3 * MiB);
      const b = randomBytes(3 * MiB);
      // At once through both nodes: at most one of them fits.
      const results = await Promise.all([one.put(ROOM, hashOf(a), chunked(a), a.length), two.put(ROOM, hashOf(b), chunked(b), b.length)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.status === 507)).toHaveLength(1);
      const c = randomBytes(3 * MiB);
      expect(await two.put(ROOM, hashOf(c), chunked(c), c.length)).toMatchObject({ ok: false, status: 507 });
    } finally {
      await nodes.close();
    }
  });

  it('S3 holds each blob as <roomId>/<hash> with no metadata, and no upload is left behind', async () => {
    const nodes = await openNodes(CONTRACT_LIMITS);
    const [one, two] = nodes.stores as [S3BlobStore, S3BlobStore];
    try {
      const small = randomBytes(200_000);
      const large = randomBytes(9 * 1024 * 1024);
      const resumed = randomBytes(7 * 1024 * 1024);
      await one.put(ROOM, hashOf(small), chunked(small), small.length);
      await two.put(ROOM, hashOf(large), chunked(large));
      await uploadInParts(one, ROOM, resumed);
      const listed = await nodes.s3.send(new ListObjectsV2Command({ Bucket: nodes.bucket }));
      expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual([small, large, resumed].map((b) => `${ROOM}/${hashOf(b)}`).sort());
      for (const object of listed.Contents ?? []) {
        const head = await nodes.s3.send(new HeadObjectCommand({ Bucket: nodes.bucket, Key: object.Key }));
        expect(head.Metadata).toEqual({});
      }
      const uploads = await nodes.s3.send(new ListMultipartUploadsCommand({ Bucket: nodes.bucket }));
      expect(uploads.Uploads ?? []).toEqual([]);
    } finally {
      await nodes.close();
    }
  });

  it('a resumable upload nobody continued for a week is given up (row and S3 upload), and so is a multipart upload no row holds', async () => {
    const nodes = await openNodes(CONTRACT_LIMITS);
    const [one, two] = nodes.stores as [S3BlobStore, S3BlobStore];
    try {
      const bytes = randomBytes(12 * CLIENT_PART);
      const hash = hashOf(bytes);
      for (let start = 0; start < 6 * CLIENT_PART; start += CLIENT_PART) {
        await one.putPart(ROOM, hash, { start, end: start + CLIENT_PART - 1, total: bytes.length }, chunked(bytes.subarray(start, start + CLIENT_PART)));
      }
      const fresh = randomBytes(2 * CLIENT_PART);
      await one.putPart(ROOM, hashOf(fresh), { start: 0, end: CLIENT_PART - 1, total: fresh.length }, chunked(fresh.subarray(0, CLIENT_PART)));
      // A node that died after creating a multipart upload and before recording it.
      await nodes.s3.send(new CreateMultipartUploadCommand({ Bucket: nodes.bucket, Key: `${ROOM}/${hashOf(randomBytes(4))}.partial` }));
      const uploads = async () => ((await nodes.s3.send(new ListMultipartUploadsCommand({ Bucket: nodes.bucket }))).Uploads ?? []).length;
      expect(await uploads()).toBe(2);
      const db = new pg.Client({ connectionString: nodes.database });
      await db.connect();
      await db.query("UPDATE relay_blob_uploads SET updated_at = now() - interval '8 days' WHERE hash = $1", [hash]);
      await db.end();
      // A fresh start sweeps nothing younger than a day or a week.
      expect(await two.sweep()).toBe(1);
      expect(await two.partialOffset(ROOM, hash)).toBeUndefined();
      expect(await two.partialOffset(ROOM, hashOf(fresh))).toBe(CLIENT_PART);
      expect(await uploads()).toBe(1);
      expect(await two.sweep(undefined, 0)).toBe(1);
      expect(await uploads()).toBe(0);
      // The given-up upload starts again from 0 and completes.
      expect(await uploadInParts(two, ROOM, bytes)).toEqual({ ok: true, created: true, size: bytes.length });
    } finally {
      await nodes.close();
    }
  });

  it('an upload whose S3 multipart upload is gone (a node died after completing it, or S3 lost it) starts over at 0 instead of failing for ever', async () => {
    const nodes = await openNodes(CONTRACT_LIMITS);
    const [one, two] = nodes.stores as [S3BlobStore, S3BlobStore];
    try {
      const bytes = randomBytes(8 * CLIENT_PART);
      const hash = hashOf(bytes);
      for (let start = 0; start < 6 * CLIENT_PART; start += CLIENT_PART) {
        await one.putPart(ROOM, hash, { start, end: start + CLIENT_PART - 1, total: bytes.length }, chunked(bytes.subarray(start, start + CLIENT_PART)));
      }
      const db = new pg.Client({ connectionString: nodes.database });
      await db.connect();
      const { rows } = await db.query<{ id: string }>('SELECT s3_upload_id AS id FROM relay_blob_uploads WHERE hash = $1', [hash]);
      await db.end();
      expect(rows[0]?.id).toBeTruthy();
      await nodes.s3.send(new AbortMultipartUploadCommand({ Bucket: nodes.bucket, Key: `${ROOM}/${hash}.partial`, UploadId: rows[0]!.id }));
      // The parts still kept in PostgreSQL go on; the next one that reaches S3 finds the upload gone.
      const resumed = await uploadInParts(two, ROOM, bytes, CLIENT_PART, 6 * CLIENT_PART).catch((error: unknown) => error);
      expect(resumed).toMatchObject({ ok: false, status: 409, offset: 0 });
      expect(await two.partialOffset(ROOM, hash)).toBeUndefined();
      expect(await uploadInParts(two, ROOM, bytes)).toEqual({ ok: true, created: true, size: bytes.length });
      expect((await readAll(one, ROOM, hash)).equals(bytes)).toBe(true);
    } finally {
      await nodes.close();
    }
  });
});
