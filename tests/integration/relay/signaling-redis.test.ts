import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { readNotes } from '../../../sync/notebook/notes.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { startRedis, type RedisService } from '../../helpers/services/redis';
import { spawnDevice } from '../../helpers/spawn-device.ts';
import { sealedWebrtcDevice } from '../../helpers/sealed-webrtc-device.ts';
import { opened, tempDataDir, until } from './relay-harness.ts';

const MINE = 'heron-canary-node-one';
const THEIRS = 'ibis-canary-node-two';
const CHILD_NAME = 'kestrel-canary-node-two';

let redis: RedisService;
let monitor: Redis;
let feed: Redis;
const redisCommands: string[] = [];
const nodes: RelayServer[] = [];
const dirs: ReturnType<typeof tempDataDir>[] = [];

beforeAll(async () => {
  await sodiumReady();
  redis = await startRedis();
  // Everything Redis is asked to do, for the canary below.
  // Never reconnecting: a MONITOR connection that ioredis reconnects after the restart below
  // mixes its handshake replies with the feed and throws "Command queue state error".
  monitor = new Redis(redis.url, { retryStrategy: () => null });
  feed = await monitor.monitor();
  feed.on('monitor', (_time: string, args: string[]) => void redisCommands.push(args.join(' ')));
  for (let i = 0; i < 2; i++) {
    const data = tempDataDir();
    dirs.push(data);
    nodes.push(await startRelayServer({ dataDir: data.dir, port: 0, signalingRedisUrl: redis.url }));
  }
  vi.stubGlobal('WebSocket', WebSocket);
}, 60_000);

afterAll(async () => {
  vi.unstubAllGlobals();
  for (const node of nodes) await node.close();
  for (const data of dirs) data.remove();
  feed?.disconnect();
  monitor?.disconnect();
  await redis?.stop();
});

function client(url: string): Promise<{ ws: WebSocket; received: unknown[] }> {
  const ws = new WebSocket(url);
  const received: unknown[] = [];
  ws.on('message', (raw: Buffer) => void received.push(JSON.parse(raw.toString('utf8'))));
  return opened(ws).then(() => ({ ws, received }));
}

describe('signaling across relay nodes through Redis pub/sub', () => {
  it("a publish on node 1 reaches the topic's subscribers on node 2, and no other topic's", async () => {
    const [one, two] = nodes as [RelayServer, RelayServer];
    const a = await client(one.signalingUrl);
    const b = await client(two.signalingUrl);
    const other = await client(two.signalingUrl);
    const outsider = await client(one.signalingUrl);
    try {
      a.ws.send(JSON.stringify({ type: 'subscribe', topics: ['topic-shared-0001'] }));
      b.ws.send(JSON.stringify({ type: 'subscribe', topics: ['topic-shared-0001'] }));
      other.ws.send(JSON.stringify({ type: 'subscribe', topics: ['topic-other-00001'] }));
      // Not a member of the topic: its publish goes nowhere, on any node.
      outsider.ws.send(JSON.stringify({ type: 'publish', topic: 'topic-shared-0001', data: 'ZnJvbS1vdXRzaWRlcg==' }));
      await vi.waitFor(async () => {
        a.ws.send(JSON.stringify({ type: 'publish', topic: 'topic-shared-0001', data: 'aGVsbG8tYWNyb3Nz' }));
        expect(b.received).toContainEqual(expect.objectContaining({ type: 'publish', topic: 'topic-shared-0001', data: 'aGVsbG8tYWNyb3Nz' }));
      }, { timeout: 10_000, interval: 200 });
      // Once the channel is up, one publish reaches each subscriber once: the sender from its
      // own node (not again through Redis), the other node's subscriber through Redis.
      const count = (c: { received: unknown[] }) => c.received.filter((m) => (m as { data?: string }).data === 'b25jZQ==').length;
      a.ws.send(JSON.stringify({ type: 'publish', topic: 'topic-shared-0001', data: 'b25jZQ==' }));
      await vi.waitFor(() => expect(count(b)).toBe(1), { timeout: 5_000 });
      await new Promise((done) => setTimeout(done, 300));
      expect([count(a), count(b)]).toEqual([1, 1]);
      expect(other.received).toEqual([]);
      expect([...a.received, ...b.received].some((m) => (m as { data?: string }).data === 'ZnJvbS1vdXRzaWRlcg==')).toBe(false);
    } finally {
      for (const c of [a, b, other, outsider]) c.ws.close();
    }
  });

  it('two y-webrtc devices whose signaling sockets land on different nodes find each other and sync; Redis carries no plaintext', async () => {
    const [one, two] = nodes as [RelayServer, RelayServer];
    const device = sealedWebrtcDevice('nb-fanout', MINE, one.signalingUrl);
    const { plain, replication } = device;
    await vi.waitFor(() => expect(one.signaling.connectionCount).toBe(1));
    const { child, out, err, exited } = spawnDevice(new URL('../replication/webrtc-device.ts', import.meta.url),
      device.childEnv({ signalingUrl: two.signalingUrl, title: THEIRS, waitFor: MINE, deviceName: CHILD_NAME }));
    try {
      await until(plain, () => readNotes(plain).some((note) => note.title === THEIRS));
      await vi.waitFor(() => expect(replication.status().peers).toBe(1), { timeout: 20_000 });
      await vi.waitFor(() => expect(out()).toContain('"peers":1'), { timeout: 20_000 });
      expect(two.signaling.connectionCount).toBe(1);
      child.stdin.end();
      expect(await exited).toBe(0);
      const carried = redisCommands.join('\n');
      // Redis carried the room's signaling (so the test looked at the right traffic) ...
      expect(carried).toContain('publish');
      // ... and none of what the devices wrote or are called.
      for (const marker of [MINE, THEIRS, CHILD_NAME, 'nb-fanout', 'test-device']) expect({ marker, found: carried.includes(marker) }).toEqual({ marker, found: false });
    } catch (error) {
      throw new Error(`${String(error)}\nchild stderr: ${err()}`);
    } finally {
      child.kill();
      device.destroy();
    }
  }, 60_000);

  // Last: it kills the Redis the MONITOR canary above listens to.
  it('after Redis restarts, publishes cross nodes again (the nodes reconnect and resubscribe)', async () => {
    const [one, two] = nodes as [RelayServer, RelayServer];
    const a = await client(one.signalingUrl);
    const b = await client(two.signalingUrl);
    try {
      a.ws.send(JSON.stringify({ type: 'subscribe', topics: ['topic-restart-0001'] }));
      b.ws.send(JSON.stringify({ type: 'subscribe', topics: ['topic-restart-0001'] }));
      const crossed = (data: string) => vi.waitFor(() => {
        a.ws.send(JSON.stringify({ type: 'publish', topic: 'topic-restart-0001', data }));
        expect(b.received).toContainEqual(expect.objectContaining({ data }));
      }, { timeout: 20_000, interval: 250 });
      await crossed('YmVmb3Jl');
      const before = redis.pid;
      // The canary above is done: its MONITOR connection goes before Redis does.
      feed.disconnect();
      await redis.restart();
      expect(redis.pid).not.toBe(before);
      // Messages sent while Redis was away are lost (pub/sub); y-webrtc announces again, as this does.
      await crossed('YWZ0ZXI=');
      // The sockets stayed up through it.
      expect([a.ws.readyState, b.ws.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN]);
    } finally {
      a.ws.close();
      b.ws.close();
    }
  }, 60_000);
});
