/**
 * `npm run bench -- relay-nodes [--seconds 10] [--every 200] [--rooms 5] [--devices 4] [--max-nodes 3]`:
 * the same load against the embedded relay (one `npm run relay` process on its data
 * directory: the baseline) and against 1, 2 and 3 scale-out
 * nodes (`--redis --postgres`, one process each) on a real Redis and PostgreSQL, in one run.
 * Devices are Hocuspocus providers with their room's write token, spread round-robin over
 * the nodes (a load balancer's job), so with 2+ nodes most deliveries cross nodes. Each sets a
 * 1 KiB box entry about every `--every` ms; every other device of its room must see it.
 * Prints deliveries/s and its ratio to the baseline, p50/p95 write-to-other-device latency
 * for devices on the same node and on another node, lost (must be 0), each node's RSS and
 * CPU per update it took, Redis CPU per update, and the rows PostgreSQL holds.
 * Note: clients, nodes, Redis and PostgreSQL share this machine's cores: read the ratios.
 */
import { readFileSync } from 'node:fs';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { Redis } from 'ioredis';
import pg from 'pg';
import * as Y from 'yjs';
import { generateSigningKeyPair, randomBytes, sodiumReady } from '../../crypto/index.ts';
import { signCapStatement } from '../../sync/relay-cap/cap-statement.ts';
import { signWriteToken } from '../../sync/relay-cap/write-token.ts';
import { WebSocket } from '../../sync/server/ws-node.ts';
import { startRelayProcess, type RelayProcess } from '../helpers/relay-process.ts';
import { startPostgres } from '../helpers/services/postgres.ts';
import { startRedis } from '../helpers/services/redis.ts';
import { percentile } from './percentile.ts';
import { positiveOption } from './positive-option.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** utime + stime of a process, in ms (clock ticks are 10 ms on Linux). */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

/** ws as the provider's WebSocket; closing a connecting ws emits 'error', which needs a listener. */
class NodeWebSocket extends WebSocket {
  constructor(url: string | URL) {
    super(url);
    this.on('error', () => undefined);
  }
}

interface Load {
  readonly rooms: number;
  readonly devices: number;
  readonly seconds: number;
  readonly everyMs: number;
}

interface Report {
  readonly label: string;
  readonly perSecond: number;
  readonly same: number[];
  readonly cross: number[];
  readonly lost: number;
  readonly written: number;
  readonly nodes: { rss: number; cpuPerUpdate: number }[];
}

async function measure(label: string, nodes: RelayProcess[], load: Load): Promise<Report> {
  const base = (node: RelayProcess) => node.blobsUrl.replace(/\/relay-blobs$/, '');
  const roomIds = Array.from({ length: load.rooms }, (_, r) => `bench-nodes-${r}-${randomBytes(6).reduce((s, b) => s + b.toString(16).padStart(2, '0'), '')}`);
  const writers = new Map<string, ReturnType<typeof generateSigningKeyPair>>();
  for (const room of roomIds) {
    const writer = generateSigningKeyPair();
    writers.set(room, writer);
    const put = await fetch(`${base(nodes[0] as RelayProcess)}/relay-caps/${room}`, { method: 'PUT', body: new Uint8Array(signCapStatement(room, generateSigningKeyPair(), 1, writer.publicKey)) });
    if (put.status !== 201) throw new Error(`policy PUT answered ${put.status}`);
  }
  const sentAt = new Map<string, { at: number; node: number }>();
  const same: number[] = [];
  const cross: number[] = [];
  let seen = 0;
  const devices = Array.from({ length: load.rooms * load.devices }, (_, i) => {
    const room = roomIds[Math.floor(i / load.devices)] as string;
    const nodeIndex = i % nodes.length;
    const box = new Y.Doc();
    const socket = new HocuspocusProviderWebsocket({ url: (nodes[nodeIndex] as RelayProcess).relayUrl, WebSocketPolyfill: NodeWebSocket });
    const provider = new HocuspocusProvider({ websocketProvider: socket, name: room, document: box, token: () => signWriteToken(room, writers.get(room)!, Date.now()) });
    provider.attach();
    box.getMap('entries').observe((event) => {
      if (event.transaction.local) return;
      for (const key of event.keysChanged) {
        const sent = sentAt.get(key);
        if (!sent) continue;
        seen++;
        (sent.node === nodeIndex ? same : cross).push(performance.now() - sent.at);
      }
    });
    const synced = new Promise<void>((resolve) => (provider.synced ? resolve() : provider.on('synced', () => resolve())));
    return { box, nodeIndex, synced, destroy: () => (provider.destroy(), socket.destroy()) };
  });
  await Promise.all(devices.map((device) => device.synced));
  const cpuBefore = nodes.map((node) => cpuMs(node.pid));
  const tookBefore = nodes.map(() => 0);
  let written = 0;
  const started = performance.now();
  await Promise.all(devices.map(async (device, i) => {
    while (performance.now() - started < load.seconds * 1000) {
      await sleep(load.everyMs * (0.5 + Math.random()));
      const key = `d${i}.s/${written++}`;
      tookBefore[device.nodeIndex] = (tookBefore[device.nodeIndex] ?? 0) + 1;
      sentAt.set(key, { at: performance.now(), node: device.nodeIndex });
      device.box.getMap('entries').set(key, randomBytes(1024));
    }
  }));
  const writeSeconds = (performance.now() - started) / 1000;
  const expected = written * (load.devices - 1);
  for (let waited = 0; seen < expected && waited < 30_000; waited += 100) await sleep(100);
  const nodeFigures = nodes.map((node, n) => ({ rss: node.rssBytes(), cpuPerUpdate: (cpuMs(node.pid) - (cpuBefore[n] ?? 0)) / written }));
  for (const device of devices) device.destroy();
  return { label, perSecond: seen / writeSeconds, same: same.sort((a, b) => a - b), cross: cross.sort((a, b) => a - b), lost: expected - seen, written, nodes: nodeFigures };
}

export async function run(args: string[]): Promise<void> {
  await sodiumReady();
  const load: Load = { rooms: positiveOption(args, 'rooms', 5), devices: positiveOption(args, 'devices', 4), seconds: positiveOption(args, 'seconds', 10), everyMs: positiveOption(args, 'every', 200) };
  const maxNodes = positiveOption(args, 'max-nodes', 3);
  console.log(`${load.rooms} rooms x ${load.devices} devices, ${load.seconds} s, a 1 KiB entry every ~${load.everyMs} ms per device; Hocuspocus providers with write tokens, round-robin over the nodes`);
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const redisClient = new Redis(redis.url);
  const reports: Report[] = [];
  const redisCpu: (number | undefined)[] = [];
  try {
    const embedded = await startRelayProcess();
    reports.push(await measure('embedded, 1 node', [embedded], load));
    redisCpu.push(undefined);
    await embedded.stop();
    for (let count = 1; count <= maxNodes; count++) {
      const nodes: RelayProcess[] = [];
      for (let n = 0; n < count; n++) nodes.push(await startRelayProcess(['--redis', redis.url, '--postgres', postgres.url]));
      const before = await redisCpuMs(redisClient);
      const report = await measure(`scale-out, ${count} node${count > 1 ? 's' : ''}`, nodes, load);
      reports.push(report);
      redisCpu.push((await redisCpuMs(redisClient) - before) / report.written);
      for (const node of nodes) await node.stop();
    }
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    const { rows: [stored] } = await db.query<{ rows: string; bytes: string }>('SELECT count(*) AS rows, coalesce(sum(length(update)), 0) AS bytes FROM relay_box_updates');
    await db.end();
    const baseline = reports[0] as Report;
    for (const [i, r] of reports.entries()) {
      const latency = (list: number[]) => (list.length === 0 ? '-' : `p50 ${percentile(list, 50).toFixed(1)} / p95 ${percentile(list, 95).toFixed(1)} ms`);
      const nodes = r.nodes.map((n) => `${(n.rss / 2 ** 20).toFixed(0)} MiB, ${n.cpuPerUpdate.toFixed(2)} ms CPU/update`).join('; ');
      const redisPart = redisCpu[i] === undefined ? '' : `, Redis ${(redisCpu[i] as number).toFixed(3)} ms CPU/update`;
      console.log(
        `${r.label.padEnd(20)} ${r.perSecond.toFixed(0).padStart(5)} deliveries/s (x${(r.perSecond / baseline.perSecond).toFixed(2)}), ` +
          `same node ${latency(r.same)}, cross node ${latency(r.cross)}, ${r.written} written, lost ${r.lost}; nodes: ${nodes}${redisPart}`,
      );
    }
    console.log(`PostgreSQL after all scale-out runs: ${stored?.rows} rows, ${stored?.bytes} bytes of updates (rooms compact when their last client leaves)`);
    if (reports.some((r) => r.lost !== 0)) process.exitCode = 1;
  } finally {
    redisClient.disconnect();
    await Promise.all([redis.stop(), postgres.stop()]);
  }
}

async function redisCpuMs(client: Redis): Promise<number> {
  const info = await client.info('cpu');
  const read = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (read('used_cpu_sys') + read('used_cpu_user')) * 1000;
}
