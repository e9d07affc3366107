/**
 * `npm run bench -- blob-stores [photos]`: the relay's blob stores side by side in one run,
 * through the BlobStorage interface the blob route uses: the disk store (baseline) and the
 * S3 store on a real Ceph RADOS Gateway with PostgreSQL (tests/helpers/services/), one node.
 * Workload: N photos of 1.5 MiB (default 40) as whole PUTs, two 20 MiB blobs (one whole, one
 * resumable in the client's 1 MiB parts), then everything read back in 1 MiB ranges.
 * Prints MiB/s per phase and the S3/disk ratio. Needs the services' Debian packages.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createContentHasher, sodiumReady } from '../../crypto/index.ts';
import type { BlobStorage } from '../../sync/server/relay/blob-storage.ts';
import { RelayBlobStore } from '../../sync/server/relay/relay-blob-store.ts';
import { S3BlobStore } from '../../sync/server/relay/s3-blob-store.ts';
import { startS3Services } from '../integration/node/s3-services.ts';

const MiB = 1024 * 1024;
const PART = MiB;
const ROOM = 'bench-room-000000001';
const LIMITS = { maxBlobBytes: 32 * MiB, maxRoomBlobBytes: 8 * 1024 * MiB };

interface Blob {
  readonly bytes: Buffer;
  readonly hash: string;
}

function blob(size: number): Blob {
  const bytes = randomBytes(size);
  const hasher = createContentHasher();
  hasher.update(bytes);
  return { bytes, hash: hasher.digest() };
}

async function* chunks(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
}

async function timed(work: () => Promise<number>): Promise<{ seconds: number; bytes: number }> {
  const started = performance.now();
  const bytes = await work();
  return { seconds: (performance.now() - started) / 1000, bytes };
}

async function phases(store: BlobStorage, photos: Blob[], large: Blob, resumed: Blob) {
  const whole = await timed(async () => {
    for (const photo of photos) if (!(await store.put(ROOM, photo.hash, chunks(photo.bytes), photo.bytes.length)).ok) throw new Error('photo refused');
    if (!(await store.put(ROOM, large.hash, chunks(large.bytes), large.bytes.length)).ok) throw new Error('large refused');
    return photos.reduce((sum, p) => sum + p.bytes.length, 0) + large.bytes.length;
  });
  const parts = await timed(async () => {
    for (let start = 0; start < resumed.bytes.length; start += PART) {
      const end = Math.min(resumed.bytes.length, start + PART) - 1;
      const result = await store.putPart(ROOM, resumed.hash, { start, end, total: resumed.bytes.length }, chunks(resumed.bytes.subarray(start, end + 1)));
      if (!result.ok) throw new Error(`part refused: ${result.message}`);
    }
    return resumed.bytes.length;
  });
  const reads = await timed(async () => {
    let total = 0;
    for (const item of [...photos, large, resumed]) {
      for (let start = 0; start < item.bytes.length; start += PART) {
        const end = Math.min(item.bytes.length, start + PART) - 1;
        for await (const chunk of await store.read(ROOM, item.hash, start, end)) total += chunk.byteLength;
      }
    }
    return total;
  });
  return { whole, parts, reads };
}

export async function run(args: string[]): Promise<void> {
  await sodiumReady();
  const count = Number(args[0] ?? 40);
  const photos = Array.from({ length: count }, () => blob(1536 * 1024));
  const large = blob(20 * MiB);
  const resumed = blob(20 * MiB + 4321);
  const started = performance.now();
  const services = await startS3Services();
  console.log(`services (Ceph monitor + memstore OSD + gateway, PostgreSQL) up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const dir = mkdtempSync(join(tmpdir(), 'obscura-bench-blobs-'));
  const pool = new pg.Pool({ connectionString: await services.newDatabase() });
  pool.on('error', () => undefined);
  const s3 = services.s3();
  try {
    const disk = new RelayBlobStore({ dir, ...LIMITS, budget: { fits: () => true, reserveBlob: () => true, releaseBlob: () => undefined } });
    await disk.scanAll();
    const onDisk = await phases(disk, photos, large, resumed);
    const inS3 = await phases(await S3BlobStore.open({ s3, bucket: 'bench-blobs', pool, ...LIMITS }), photos, large, resumed);
    const rate = (t: { seconds: number; bytes: number }) => t.bytes / MiB / t.seconds;
    const rows = (['whole', 'parts', 'reads'] as const).map((phase) => ({
      phase: { whole: `${count} x 1.5 MiB + 20 MiB, whole PUTs`, parts: '20 MiB in 1 MiB Content-Range parts', reads: 'everything, 1 MiB ranges' }[phase],
      'disk MiB/s': rate(onDisk[phase]).toFixed(1),
      'S3+PG MiB/s': rate(inS3[phase]).toFixed(1),
      'S3/disk': (rate(inS3[phase]) / rate(onDisk[phase])).toFixed(2),
    }));
    console.table(rows);
  } finally {
    s3.destroy();
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
    await services.stop();
  }
}
