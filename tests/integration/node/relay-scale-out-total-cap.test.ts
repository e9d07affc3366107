import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash, randomBytes, randomNotebookKey, sodiumReady } from '../../../crypto/index.ts';
import { relayWrite } from '../../../sync/replication/relay-write.ts';
import { startRelayProcess, type RelayProcess } from '../../helpers/relay-process';
import { keyedRelayWrite } from '../../helpers/relay-writer';
import { startRedis, type RedisService } from '../../helpers/services/redis';
import { sendFrames, syncFrame } from '../relay/relay-harness.ts';
import { entryUpdate } from './scale-out-clients.ts';
import { startS3Services, type S3Services } from './s3-services';

/**
 * The relay-wide byte cap (`maxTotalBytes`, RELAY.md "Limits") in scale-out mode, where blobs
 * live in S3 and their sizes in PostgreSQL: it counts the blobs every node stored, docs and
 * blobs together, on two `npm run relay` nodes on the real services (Redis, PostgreSQL, Ceph's
 * gateway). Each room here is new, so only the relay-wide cap can refuse (the per-room quota
 * is far away).
 */
const MiB = 1024 * 1024;
const CAP = Math.round(2.5 * MiB);
let services: S3Services;
let redis: RedisService;
const nodes: RelayProcess[] = [];

beforeAll(async () => {
  await sodiumReady();
  [services, redis] = await Promise.all([startS3Services(), startRedis()]);
  const database = await services.newDatabase();
  const s3 = new URL(services.rgw.endpoint);
  s3.username = services.rgw.accessKeyId;
  s3.password = services.rgw.secretAccessKey;
  const flags = ['--redis', redis.url, '--postgres', database, '--s3', s3.toString(), '--s3-bucket', 'relay-total-cap', '--limit', `maxTotalBytes=${CAP}`];
  nodes.push(...(await Promise.all([startRelayProcess(flags), startRelayProcess(flags)])));
}, 180_000);

afterAll(async () => {
  for (const node of nodes) await node.stop();
  await Promise.all([services?.stop(), redis?.stop()]);
});

/** A new room with its write policy on `node` (every node shares it), and its write token. */
async function newRoom(node: RelayProcess, n: number): Promise<{ room: string; token: string }> {
  const room = `total-cap-room-${n}-0123456789`;
  const write = relayWrite(node.relayUrl, room, keyedRelayWrite(randomNotebookKey(), room));
  await write.sync();
  return { room, token: write.token() ?? '' };
}

async function putBlob(node: RelayProcess, room: { room: string; token: string }, bytes: number): Promise<number> {
  const blob = randomBytes(bytes);
  const response = await fetch(`${node.blobsUrl}/${room.room}/${contentHash(blob)}`, { method: 'PUT', body: new Uint8Array(blob), headers: { 'Obscura-Cap': room.token } });
  await response.arrayBuffer();
  return response.status;
}

describe('maxTotalBytes across scale-out nodes with blobs in S3', () => {
  it('counts the blobs every node stored: past the cap the next blob is refused (507) on whichever node takes it, and so is a doc write', async () => {
    const [one, two] = nodes as [RelayProcess, RelayProcess];
    const rooms = await Promise.all([1, 2, 3, 4].map((n) => newRoom(n % 2 === 0 ? two : one, n)));
    // 2 MiB of the 2.5 MiB cap, half through each node.
    expect(await putBlob(one, rooms[0]!, MiB)).toBe(201);
    expect(await putBlob(two, rooms[1]!, MiB)).toBe(201);
    // A third MiB passes the cap, through either node, in a room of its own.
    expect(await putBlob(one, rooms[2]!, MiB)).toBe(507);
    expect(await putBlob(two, rooms[3]!, MiB)).toBe(507);
    // What fits still goes.
    expect(await putBlob(two, rooms[3]!, 64 * 1024)).toBe(201);
    // Docs count against the same cap: a 1 MiB box update is refused by both nodes once they
    // have counted the blobs (each refreshes what the shared stores hold every 5 s).
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    for (const [node, room] of [[one, rooms[2]!], [two, rooms[3]!]] as const) {
      expect(await sendFrames(node.relayUrl, room.room, [syncFrame(entryUpdate('big.s/1', MiB))], { token: room.token })).toBe('closed 4507');
    }
  }, 120_000);
});
