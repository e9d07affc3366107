import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomNotebookKey, sodiumReady } from '../../../crypto/index.ts';
import { createBlobSync } from '../../../sync/blob/blob-sync.ts';
import type { FetchLike } from '../../../sync/blob/relay-blob-client.ts';
import { relayWrite } from '../../../sync/replication/relay-write.ts';
import { startRelayProcess, type RelayProcess } from '../../helpers/relay-process';
import { keyedRelayWrite } from '../../helpers/relay-writer';
import { startRedis, type RedisService } from '../../helpers/services/redis';
import { MiB, newStore, putPhoto, readPhoto, ROOM, uploadsIdle } from '../blob-sync/blob-sync-harness';
import { sameBytes } from '../transport/peer-pair';
import { startS3Services, type S3Services } from './s3-services';

/**
 * Two `npm run relay` nodes with --redis --postgres --s3 --s3-bucket on the real services,
 * behind a "load balancer" (the fetch below: every request goes to the node it points at).
 */
let services: S3Services;
let redis: RedisService;
let database: string;
const BUCKET = 'relay-blobs-e2e';
const nodes: RelayProcess[] = [];

beforeAll(async () => {
  await sodiumReady();
  [services, redis] = await Promise.all([startS3Services(), startRedis()]);
  database = await services.newDatabase();
  const s3 = new URL(services.rgw.endpoint);
  s3.username = services.rgw.accessKeyId;
  s3.password = services.rgw.secretAccessKey;
  const flags = ['--redis', redis.url, '--postgres', database, '--s3', s3.toString(), '--s3-bucket', BUCKET];
  nodes.push(await startRelayProcess(flags), await startRelayProcess(flags));
}, 180_000);

afterAll(async () => {
  for (const node of nodes) await node.stop();
  await Promise.all([services?.stop(), redis?.stop()]);
});

/** Sends each request to `target()`'s blob endpoint, and counts what each node was sent. */
function balancer(target: () => RelayProcess) {
  const sentTo = new Map<number, number>();
  const fetchImpl: FetchLike = async (input, init) => {
    const node = target();
    const url = input.replace(/^http:\/\/lb\/relay-blobs/, node.blobsUrl);
    const response = await fetch(url, init);
    if (init?.body instanceof Uint8Array && response.status < 300) sentTo.set(node.pid, (sentTo.get(node.pid) ?? 0) + init.body.length);
    return response;
  };
  return { fetch: fetchImpl, sentTo };
}

describe('blobs through two scale-out relay nodes (S3 + PostgreSQL)', () => {
  it('a 20 MiB photo upload cut by SIGKILL of node 1 resumes through node 2, arrives byte-exact, and S3 and PostgreSQL hold no plaintext', async () => {
    const [one, two] = nodes as [RelayProcess, RelayProcess];
    const key = randomNotebookKey();
    // These nodes (the default engine with --redis --postgres) share write policies in PostgreSQL:
    // the second node answers the policy the first stored (no PUT), and each relayWrite learns its node's clock.
    const writes = [relayWrite(one.relayUrl, ROOM, keyedRelayWrite(key, ROOM)), relayWrite(two.relayUrl, ROOM, keyedRelayWrite(key, ROOM))];
    for (const write of writes) await write.sync();
    const phone = newStore();
    const photo = await putPhoto(phone, 7, 20 * MiB);

    let current = one;
    let puts = 0;
    const lb = balancer(() => current);
    const cutting: FetchLike = (input, init) => {
      const sent = lb.fetch(input, init);
      // The 8th part is cut in flight: node 1 is killed while it takes it; the balancer then sends everything to node 2.
      if (init?.method === 'PUT' && current === one && ++puts === 8) {
        setTimeout(() => {
          process.kill(one.pid, 'SIGKILL');
          current = two;
        }, 20);
      }
      return sent;
    };
    const uploader = createBlobSync({ store: phone, roomId: ROOM, blobsUrl: 'http://lb/relay-blobs', fetch: cutting, capToken: () => writes[1]?.token(), retryMs: 200 });
    try {
      uploader.offer(photo.photo.id);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await uploadsIdle(uploader);
    } finally {
      uploader.destroy();
    }
    expect(one.alive()).toBe(false);
    const toOne = lb.sentTo.get(one.pid) ?? 0;
    const toTwo = lb.sentTo.get(two.pid) ?? 0;
    console.log(`upload: node 1 took ${toOne} bytes before it was killed, node 2 the remaining ${toTwo} of ${photo.photo.size}`);
    // Node 2 continued where the shared upload state said, rather than from the start.
    expect(toOne).toBeGreaterThanOrEqual(5 * MiB);
    expect(toTwo).toBeLessThan(photo.photo.size);

    const laptop = newStore();
    const receiver = createBlobSync({ store: laptop, roomId: ROOM, blobsUrl: two.blobsUrl });
    try {
      const result = await receiver.want(photo.photo.id, 'photo');
      expect(result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`).toBe('ok');
    } finally {
      receiver.destroy();
    }
    expect(sameBytes((await readPhoto(laptop, photo, 7))!, photo.plain)).toBe(true);

    // What S3 holds: <roomId>/<hash> with no metadata, and ciphertext only.
    const s3 = services.s3();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([`${ROOM}/${photo.photo.id}`]);
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${ROOM}/${photo.photo.id}` }))).Metadata).toEqual({});
    const stored = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${ROOM}/${photo.photo.id}` }))).Body!.transformToByteArray());
    s3.destroy();
    const windows = [0, 5 * MiB + 3, 19 * MiB].map((at) => Buffer.from(photo.plain.subarray(at, at + 48)));
    for (const window of windows) expect(stored.includes(window)).toBe(false);
    // What PostgreSQL holds, every row of every table, as text (bytea as hex).
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    const tables = (await client.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'")).rows.map((r) => r.t);
    let dump = '';
    for (const table of tables) dump += (await client.query<{ row: string }>(`SELECT row_to_json(x)::text AS row FROM ${table} x`)).rows.map((r) => r.row).join('\n');
    await client.end();
    expect(tables).toContain('relay_blobs');
    expect(dump).toContain(photo.photo.id);
    for (const window of windows) {
      expect(dump.includes(window.toString('hex'))).toBe(false);
      expect(dump.includes(window.toString('latin1'))).toBe(false);
    }
  }, 180_000);
});
