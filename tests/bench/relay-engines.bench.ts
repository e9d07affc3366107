/**
 * `npm run bench -- relay-engines [--seconds 15] [--every 100] [--rooms 10] [--devices 5]`:
 * the same load against the y-websocket relay (the baseline) and the Hocuspocus relay, one
 * after the other in one run, each in this process on a fresh data directory. Every device
 * is a box Y.Doc on the engine's stock client (y-websocket's WebsocketProvider; the
 * Hocuspocus provider, one socket per device) and sets a box entry of 1 KiB about every
 * `--every` ms; every other device of its room must see it. Prints entries/s delivered,
 * write-to-other-device latency (p50/p95), lost (must be 0) and the ratio to the baseline.
 * Note: no write capability (both relays skip the same check) and no sealing, so the relay
 * and the sockets are what is measured; clients and relay share this process's CPU.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { randomBytes, sodiumReady } from '../../crypto/index.ts';
import type { RelayEngine } from '../../sync/server/attach-sync.ts';
import { startRelayServer } from '../../sync/server/relay-server.ts';
import { WebSocket } from '../../sync/server/ws-node.ts';
import { tempDataDir } from '../integration/relay/relay-harness.ts';
import { positiveOption } from './positive-option.ts';

interface EngineReport {
  readonly engine: RelayEngine;
  readonly written: number;
  readonly expected: number;
  readonly seen: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p95: number;
}

interface Client {
  readonly box: Y.Doc;
  synced(): Promise<void>;
  destroy(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** ws as the provider's WebSocket; closing a connecting ws emits 'error', which needs a listener. */
class NodeWebSocket extends WebSocket {
  constructor(url: string | URL) {
    super(url);
    this.on('error', () => undefined);
  }
}

function client(engine: RelayEngine, relayUrl: string, roomId: string): Client {
  const box = new Y.Doc();
  if (engine === 'hocuspocus') {
    const socket = new HocuspocusProviderWebsocket({ url: relayUrl, WebSocketPolyfill: NodeWebSocket });
    const provider = new HocuspocusProvider({ websocketProvider: socket, name: roomId, document: box, token: '' });
    provider.attach();
    return {
      box,
      synced: () => new Promise((resolve) => (provider.synced ? resolve() : provider.on('synced', () => resolve()))),
      destroy: () => (provider.destroy(), socket.destroy()),
    };
  }
  const provider = new WebsocketProvider(relayUrl, roomId, box, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true });
  return {
    box,
    synced: () => new Promise((resolve) => (provider.synced ? resolve() : provider.once('sync', () => resolve()))),
    destroy: () => provider.destroy(),
  };
}

async function measure(engine: RelayEngine, rooms: number, devicesPerRoom: number, seconds: number, everyMs: number): Promise<EngineReport> {
  const data = tempDataDir();
  const relay = await startRelayServer({ dataDir: data.dir, port: 0, relayEngine: engine, requireWriteCapability: false, limits: { maxConnectionsPerIp: rooms * devicesPerRoom + 8 } });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let seen = 0;
  const devices = Array.from({ length: rooms * devicesPerRoom }, (_, i) => {
    const roomId = `bench-${engine}-room-${Math.floor(i / devicesPerRoom)}-0123456789`;
    const device = client(engine, relay.relayUrl, roomId);
    device.box.getMap('entries').observe((event) => {
      if (event.transaction.local) return;
      for (const key of event.keysChanged) {
        const at = sentAt.get(key);
        if (at === undefined) continue;
        seen++;
        latencies.push(performance.now() - at);
      }
    });
    return device;
  });
  await Promise.all(devices.map((device) => device.synced()));
  let written = 0;
  const started = performance.now();
  const writers = devices.map(async (device, i) => {
    while (performance.now() - started < seconds * 1000) {
      await sleep(everyMs * (0.5 + Math.random()));
      const key = `d${i}.s/${written++}`;
      sentAt.set(key, performance.now());
      device.box.getMap('entries').set(key, randomBytes(1024));
    }
  });
  await Promise.all(writers);
  const expected = written * (devicesPerRoom - 1);
  const writeSeconds = (performance.now() - started) / 1000;
  for (let waited = 0; seen < expected && waited < 30_000; waited += 100) await sleep(100);
  for (const device of devices) device.destroy();
  await relay.close();
  data.remove();
  const sorted = latencies.sort((a, b) => a - b);
  return { engine, written, expected, seen, perSecond: seen / writeSeconds, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

export async function run(args: string[]): Promise<void> {
  await sodiumReady();
  const rooms = positiveOption(args, 'rooms', 10);
  const devicesPerRoom = positiveOption(args, 'devices', 5);
  const seconds = positiveOption(args, 'seconds', 15);
  const everyMs = positiveOption(args, 'every', 100);
  console.log(`${rooms} rooms x ${devicesPerRoom} devices, ${seconds} s, a 1 KiB entry every ~${everyMs} ms per device, relay in this process`);
  const baseline = await measure('y-websocket', rooms, devicesPerRoom, seconds, everyMs);
  const hocus = await measure('hocuspocus', rooms, devicesPerRoom, seconds, everyMs);
  for (const r of [baseline, hocus]) {
    console.log(
      `${r.engine.padEnd(12)} ${r.perSecond.toFixed(0).padStart(6)} deliveries/s (x${(r.perSecond / baseline.perSecond).toFixed(2)}), ` +
        `latency p50 ${r.p50.toFixed(1)} ms p95 ${r.p95.toFixed(1)} ms, ${r.written} written, lost ${r.expected - r.seen}`,
    );
  }
  if (baseline.expected !== baseline.seen || hocus.expected !== hocus.seen) process.exitCode = 1;
}
