import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentHash, sodiumReady } from '../../../crypto/index.ts';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from '../../../sync/server/relay/relay-limits.ts';
import type { RelayServer } from '../../../sync/server/relay-server.ts';
import { RoomSocket, startRelay } from './room-socket.ts';
import { closed, roomState, sendFrames, sendOn, syncFrame, tempDataDir } from './relay-harness.ts';

/**
 * Per-room quotas alone do not bound a relay: any 16-64 character id is a new room (the
 * review stored 40 MiB in 20 rooms against a 2 MiB cap), and every loaded room costs
 * memory. These are the relay-wide caps: rooms stored, bytes stored (docs and blobs),
 * memory of loaded rooms, and a per-room count of structs next to its bytes.
 */
const KiB = 1024;
const MiB = 1024 * KiB;
let started: { relay: RelayServer; data: ReturnType<typeof tempDataDir> }[] = [];

beforeAll(sodiumReady);
afterEach(async () => {
  for (const { relay, data } of started) {
    await relay.close();
    data.remove();
  }
  started = [];
});

async function relayWith(limits: Partial<RelayLimits>, data = tempDataDir()): Promise<RelayServer> {
// Tests one relay mechanism below the write capability, which write-capability.test.ts tests: every client here may write.
  const relay = await startRelay({ dataDir: data.dir, port: 0, limits, requireWriteCapability: false });
  started.push({ relay, data });
  return relay;
}

async function restart(relay: RelayServer, limits: Partial<RelayLimits>): Promise<RelayServer> {
  const entry = started.find((s) => s.relay === relay);
  if (!entry) throw new Error('not started here');
  await relay.close();
  entry.relay = await startRelay({ dataDir: entry.data.dir, port: 0, limits, requireWriteCapability: false });
  return entry.relay;
}

/** An update setting `count` box entries of `bytes` random bytes each (random: LevelDB compresses zeros). */
function entries(count: number, bytes: number, prefix = 'dev.s'): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (let i = 1; i <= count; i++) doc.getMap('entries').set(`${prefix}/${i}`, new Uint8Array(randomBytes(bytes)));
  });
  return Y.encodeStateAsUpdate(doc);
}

const room = (name: string) => `${name}-room-0123456789`;
const write = (relay: RelayServer, name: string, update: Uint8Array) => sendFrames(relay.relayUrl, room(name), [syncFrame(update)]);
const putBlob = (relay: RelayServer, name: string, blob: Uint8Array) =>
  fetch(`${relay.blobsUrl}/${room(name)}/${contentHash(blob)}`, { method: 'PUT', body: new Uint8Array(blob) }).then((r) => r.status);
const entryCount = async (relay: RelayServer, name: string) => (await roomState(relay.relayUrl, room(name))).getMap('entries').size;

/** A raw client that wrote `update` into `name` and stays connected, keeping its room loaded. */
async function holdRoom(relay: RelayServer, name: string, update: Uint8Array): Promise<RoomSocket> {
  const socket = await RoomSocket.open(relay.relayUrl, room(name));
  expect(await sendOn(socket, [syncFrame(update)])).toBe('kept open');
  return socket;
}

describe('relay: relay-wide caps', () => {
  it('stores at most maxRooms rooms: a new room past it is refused (doc 4507, blob 507), also after a restart; stored rooms keep working', async () => {
    const limits: Partial<RelayLimits> = { maxRooms: 3 };
    let relay = await relayWith(limits);
    for (const name of ['r0', 'r1']) expect(await write(relay, name, entries(1, 100))).toBe('kept open');
    expect(await putBlob(relay, 'r2', randomBytes(1000))).toBe(201);
    expect(await write(relay, 'r3', entries(1, 100))).toBe('closed 4507');
    expect(await putBlob(relay, 'r4', randomBytes(1000))).toBe(507);
    expect(await entryCount(relay, 'r3')).toBe(0);
    // Rooms it holds still take writes.
    expect(await putBlob(relay, 'r0', randomBytes(1000))).toBe(201);
    expect(await write(relay, 'r2', entries(1, 100, 'dev.t'))).toBe('kept open');

    relay = await restart(relay, limits);
    expect(await write(relay, 'r4', entries(1, 100))).toBe('closed 4507');
    expect(await putBlob(relay, 'r3', randomBytes(1000))).toBe(507);
    expect(await write(relay, 'r1', entries(1, 100, 'dev.u'))).toBe('kept open');
    expect(await entryCount(relay, 'r1')).toBe(2);
  });

  it('stores at most maxTotalBytes over all rooms, docs and blobs: past it, blob 507 and doc 4507, also after a restart', async () => {
    const limits: Partial<RelayLimits> = { maxTotalBytes: 1 * MiB, maxFrameBytes: 512 * KiB, maxDocBytes: 512 * KiB };
    let relay = await relayWith(limits);
    expect(await putBlob(relay, 'a', randomBytes(400 * KiB))).toBe(201);
    expect(await putBlob(relay, 'b', randomBytes(400 * KiB))).toBe(201);
    // Each room is far below its own 2 GiB blob quota; together they are at the relay's.
    expect(await putBlob(relay, 'c', randomBytes(400 * KiB))).toBe(507);
    expect(await write(relay, 'd', entries(1, 300 * KiB))).toBe('closed 4507');
    expect(await entryCount(relay, 'd')).toBe(0);
    expect(await write(relay, 'd', entries(1, 100 * KiB))).toBe('kept open');

    relay = await restart(relay, limits);
    expect(await putBlob(relay, 'c', randomBytes(400 * KiB))).toBe(507);
    expect(await write(relay, 'e', entries(1, 300 * KiB))).toBe('closed 4507');
    // Refused uploads leave nothing behind.
    const blobs = join(started[0]?.data.dir ?? '', 'blobs');
    const blobRooms = readdirSync(blobs).filter((name) => readdirSync(join(blobs, name)).length > 0);
    expect(blobRooms.sort()).toEqual([room('a'), room('b')]);
  });

  it('keeps the memory of loaded rooms under maxLoadedBytes: a room that would pass it is refused (4503) and the loaded ones keep working', async () => {
    const limits: Partial<RelayLimits> = { maxLoadedBytes: 1536 * KiB, maxFrameBytes: 1 * MiB, maxDocBytes: 1 * MiB };
    const relay = await relayWith(limits);
    // Stored while nothing else is loaded; unloaded when its writer leaves.
    expect(await write(relay, 'stored', entries(1, 700 * KiB))).toBe('kept open');
    const a = await holdRoom(relay, 'a', entries(1, 700 * KiB));
    const b = await holdRoom(relay, 'b', entries(1, 700 * KiB));
    // Loading a third such room would pass the budget: refused at load, and on write.
    const { ws: load } = await RoomSocket.open(relay.relayUrl, room('stored'));
    const loaded = await Promise.race([closed(load).then(({ code }) => `closed ${code}`), new Promise((r) => setTimeout(() => r('kept open'), 2000))]);
    load.terminate();
    expect(loaded).toBe('closed 4503');
    expect(await write(relay, 'c', entries(1, 700 * KiB))).toBe('closed 4503');
    // The loaded rooms go on taking writes.
    for (const ws of [a, b]) expect(await sendOn(ws, [syncFrame(entries(1, 100, 'dev.more'))])).toBe('kept open');
    await Promise.all([a, b].map((socket) => (socket.close(), socket.closed())));
    expect(await entryCount(relay, 'c')).toBe(0);
    expect(await entryCount(relay, 'stored')).toBe(1);
  });

  it('counts a room in structs as well as bytes: an update of many tiny values past maxDocStructs is refused (4507), the room kept', async () => {
    const limits: Partial<RelayLimits> = { maxDocStructs: 1000 };
    const relay = await relayWith(limits);
    expect(await write(relay, 's', entries(1500, 1))).toBe('closed 4507');
    expect(await entryCount(relay, 's')).toBe(0);
    expect(await write(relay, 's', entries(600, 1, 'dev.a'))).toBe('kept open');
    expect(await write(relay, 's', entries(600, 1, 'dev.b'))).toBe('closed 4507');
    expect(await entryCount(relay, 's')).toBe(600);
  });

  it('the per-room doc quota default is below the old 64 MiB and within one frame (a whole box must fit a sync step 2)', () => {
    expect(DEFAULT_RELAY_LIMITS.maxDocBytes).toBeLessThan(64 * MiB);
    expect(DEFAULT_RELAY_LIMITS.maxDocBytes).toBeLessThanOrEqual(DEFAULT_RELAY_LIMITS.maxFrameBytes);
  });
});
