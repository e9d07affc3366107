import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateSigningKeyPair, sodiumReady, type SigningKeyPair } from '../../../crypto/index.ts';
import { signCapStatement } from '../../../sync/relay-cap/cap-statement.ts';
import { signWriteToken } from '../../../sync/relay-cap/write-token.ts';
import { startRelayProcess, type RelayProcess } from '../../helpers/relay-process';
import { createDatabase, startPostgres, type PostgresService } from '../../helpers/services/postgres';
import { startRedis, type RedisService } from '../../helpers/services/redis';
import { ackedWriter, entryUpdate, liveReader, type AckedWriter } from './scale-out-clients.ts';

/**
 * Box docs across `npm run relay -- --redis URL --postgres URL`
 * nodes on the real Redis and PostgreSQL: clients of one room on different nodes sync live,
 * every update a node acknowledged is in PostgreSQL even when that node is SIGKILLed, a
 * Redis restart loses nothing, and a node started later serves a room from PostgreSQL alone.
 */
let redis: RedisService;
let postgres: PostgresService;
const nodes: RelayProcess[] = [];
/** Notes-sized: a sealed note with a title and a short body. */
const NOTE_BYTES = 1_500;

beforeAll(async () => {
  await sodiumReady();
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
}, 120_000);

afterAll(async () => {
  for (const node of nodes) await node.stop();
  await Promise.all([redis?.stop(), postgres?.stop()]);
});

async function startNode(): Promise<RelayProcess> {
  const node = await startRelayProcess(['--redis', redis.url, '--postgres', postgres.url]);
  nodes.push(node);
  return node;
}

const baseUrl = (node: RelayProcess) => node.blobsUrl.replace(/\/relay-blobs$/, '');

/** Registers a write key for `room` through `node` (every node must then honour it). */
async function roomWithPolicy(node: RelayProcess, room: string): Promise<SigningKeyPair> {
  const writer = generateSigningKeyPair();
  const statement = signCapStatement(room, generateSigningKeyPair(), 1, writer.publicKey);
  const put = await fetch(`${baseUrl(node)}/relay-caps/${room}`, { method: 'PUT', body: new Uint8Array(statement) });
  expect(put.status).toBe(201);
  return writer;
}

/** What PostgreSQL holds for `room`, merged: the keys of its entries. */
async function keysInPostgres(room: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ update: Buffer }>('SELECT update FROM relay_box_updates WHERE room_id = $1', [room]);
    const doc = new Y.Doc();
    if (rows.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(rows.map((row) => new Uint8Array(row.update))));
    return new Set(doc.getMap('entries').keys());
  } finally {
    await client.end();
  }
}

const noteKeys = (count: number) => Array.from({ length: count }, (_, i) => `note.${i}`);
const missing = (want: readonly string[], have: ReadonlySet<string>) => want.filter((key) => !have.has(key));

describe('box docs across scale-out nodes (Redis + PostgreSQL)', () => {
  let one: RelayProcess;
  let two: RelayProcess;

  beforeAll(async () => {
    [one, two] = await Promise.all([startNode(), startNode()]);
  }, 120_000);

  it('a client on each node syncs live both ways; a write policy registered through node 1 lets its writer write through node 2', async () => {
    const room = `live-${randomBytes(8).toString('hex')}`;
    const writer = await roomWithPolicy(one, room);
    const token = () => signWriteToken(room, writer, Date.now());
    const readerOnTwo = await liveReader(two.relayUrl, room);
    const readerOnOne = await liveReader(one.relayUrl, room);
    const writerOnOne = await ackedWriter(one.relayUrl, room, token());
    const writerOnTwo = await ackedWriter(two.relayUrl, room, token());
    try {
      writerOnOne.send(entryUpdate('from.one', NOTE_BYTES));
      await readerOnTwo.hasAll(['from.one'], 20_000);
      writerOnTwo.send(entryUpdate('from.two', NOTE_BYTES));
      await readerOnOne.hasAll(['from.two'], 20_000);
      // Node 2 took the write, not dropped it as from a connection without the capability.
      await writerOnTwo.acked(1);
      expect([...(await keysInPostgres(room))].sort()).toEqual(['from.one', 'from.two']);
    } finally {
      for (const client of [readerOnOne, readerOnTwo, writerOnOne, writerOnTwo]) client.close();
    }
  });

  it('SIGKILL of a node mid-burst of 300 notes: every update it acknowledged is in PostgreSQL and reaches the client on the other node', async () => {
    const victim = await startNode();
    const room = `kill-${randomBytes(8).toString('hex')}`;
    const writer = await roomWithPolicy(two, room);
    const reader = await liveReader(two.relayUrl, room);
    const burst = await ackedWriter(victim.relayUrl, room, signWriteToken(room, writer, Date.now()));
    const keys = noteKeys(300);
    let acked = 0;
    try {
      // Stops with 'the socket closed' once the node is gone.
      const sending = burst.sendPaced(keys.map((key) => entryUpdate(key, NOTE_BYTES)), 2).catch(() => undefined);
      await burst.acked(100);
      await victim.kill();
      acked = burst.ackCount;
      await sending;
      expect(acked).toBeGreaterThanOrEqual(100);
      expect(acked).toBeLessThan(300);
      const ackedKeys = keys.slice(0, acked);
      expect(missing(ackedKeys, await keysInPostgres(room))).toEqual([]);
      await reader.hasAll(ackedKeys, 30_000);
    } finally {
      reader.close();
      burst.close();
    }
  });

  it('a Redis restart mid-burst loses nothing: the client on the other node gets all 300 notes and PostgreSQL holds them', async () => {
    const room = `redis-${randomBytes(8).toString('hex')}`;
    const writer = await roomWithPolicy(one, room);
    const reader = await liveReader(two.relayUrl, room);
    const burst = await ackedWriter(one.relayUrl, room, signWriteToken(room, writer, Date.now()));
    const keys = noteKeys(300);
    try {
      const sending = burst.sendPaced(keys.map((key) => entryUpdate(key, NOTE_BYTES)), 2);
      await burst.acked(100);
      await redis.restart();
      await sending;
      await burst.acked(300);
      expect(missing(keys, await keysInPostgres(room))).toEqual([]);
      await reader.hasAll(keys, 30_000);
    } finally {
      reader.close();
      burst.close();
    }
  });

  it('a node started after every other stopped serves a new client from PostgreSQL alone', async () => {
    const room = `later-${randomBytes(8).toString('hex')}`;
    const writer = await roomWithPolicy(one, room);
    const burst: AckedWriter = await ackedWriter(two.relayUrl, room, signWriteToken(room, writer, Date.now()));
    const keys = noteKeys(50);
    await burst.sendPaced(keys.map((key) => entryUpdate(key, NOTE_BYTES)), 0);
    await burst.acked(50);
    burst.close();
    for (const node of nodes.splice(0)) await node.stop();
    const third = await startNode();
    const reader = await liveReader(third.relayUrl, room);
    try {
      await reader.hasAll(keys, 20_000);
      // The policy is there too: the writer writes through the new node.
      const again = await ackedWriter(third.relayUrl, room, signWriteToken(room, writer, Date.now()));
      again.send(entryUpdate('after.restart', NOTE_BYTES));
      await again.acked(1);
      again.close();
      expect((await keysInPostgres(room)).has('after.restart')).toBe(true);
    } finally {
      reader.close();
    }
  });
});

describe('npm run relay: the scale-out box-doc flags', () => {
  it('refuses --redis but no --postgres (or the other way), naming the flag to add', async () => {
    await expect(startRelayProcess(['--redis', redis.url])).rejects.toThrow(/--redis needs --postgres too: .* Add --postgres postgres:\/\/USER:PASSWORD@HOST:5432\/DATABASE/);
    await expect(startRelayProcess(['--postgres', postgres.url])).rejects.toThrow(/--postgres needs --redis too: .* Add --redis redis:\/\/\[:PASSWORD@\]HOST:6379/);
  });
});

describe('relay-wide caps across scale-out nodes', () => {
  it('maxRooms counts the rooms every node stores, also those other nodes took after it started (within one refresh)', async () => {
    const database = await createDatabase(postgres, 'relay_caps_test');
    const limited = () => startRelayProcess(['--redis', redis.url, '--postgres', database, '--limit', 'maxRooms=2']);
    const [a, b] = await Promise.all([limited(), limited()]);
    nodes.push(a, b);
    const put = (node: RelayProcess, room: string) =>
      fetch(`${baseUrl(node)}/relay-caps/${room}`, { method: 'PUT', body: new Uint8Array(signCapStatement(room, generateSigningKeyPair(), 1, generateSigningKeyPair().publicKey)) }).then((r) => r.status);
    const room = () => `cap-${randomBytes(8).toString('hex')}`;
    expect(await put(a, room())).toBe(201);
    expect(await put(b, room())).toBe(201);
    // Each node has taken one room itself; the relay holds two. A node learns of the others' rooms
    // at its next refresh (every 5 s).
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect({ a: await put(a, room()), b: await put(b, room()) }).toEqual({ a: 507, b: 507 });
  });
});

describe('a PostgreSQL restart under a scale-out node', () => {
  it('every update the node applied ends in PostgreSQL, also those whose append failed while it was down', async () => {
    const node = await startNode();
    const room = `pg-down-${randomBytes(8).toString('hex')}`;
    const writer = await roomWithPolicy(node, room);
    // Keeps the room loaded on the node while the writer's socket is refused.
    const reader = await liveReader(node.relayUrl, room);
    const burst = await ackedWriter(node.relayUrl, room, signWriteToken(room, writer, Date.now()));
    const keys = noteKeys(300);
    // Stops with 'the socket closed' when the node refuses an update it could not store (4503).
    const sending = burst.sendPaced(keys.map((key) => entryUpdate(key, NOTE_BYTES)), 5).catch(() => undefined);
    try {
      await burst.acked(50);
      await postgres.restart();
      await sending;
      burst.close();
      // What the node applied and forwarded to its other client, stored or not.
      await reader.hasAll(keys.slice(0, 50), 20_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const held = keys.filter((key) => reader.doc.getMap('entries').has(key));
      let stored = new Set<string>();
      for (let waited = 0; waited < 20_000 && missing(held, stored).length > 0; waited += 500) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        stored = await keysInPostgres(room).catch(() => new Set<string>());
      }
      expect({ held: held.length, missing: missing(held, stored).length }).toEqual({ held: held.length, missing: 0 });
    } finally {
      reader.close();
    }
  });
});
