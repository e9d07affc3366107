import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PgRoomLog } from '../../../sync/server/hocus/pg-room-log.ts';
import { startPostgres, type PostgresService } from '../../helpers/services/postgres';
import { entryUpdate } from './scale-out-clients.ts';

/** The scale-out nodes' update log on a real PostgreSQL: two nodes' logs on one database. */
let postgres: PostgresService;
let pools: pg.Pool[];
let one: PgRoomLog;
let two: PgRoomLog;

beforeAll(async () => {
  postgres = await startPostgres();
  pools = [new pg.Pool({ connectionString: postgres.url, max: 4 }), new pg.Pool({ connectionString: postgres.url, max: 4 })];
  // A connection the server ends while the pool closes it must not fail the run.
  for (const pool of pools) pool.on('error', () => undefined);
  [one, two] = await Promise.all(pools.map((pool) => PgRoomLog.open(pool))) as [PgRoomLog, PgRoomLog];
}, 60_000);

afterAll(async () => {
  await Promise.all((pools ?? []).map((pool) => pool.end()));
  await postgres?.stop();
});

const keysOf = (state: Uint8Array | null) => {
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  return new Set(doc.getMap('entries').keys());
};
const rowCount = async (room: string) =>
  Number((await pools[0]!.query<{ n: string }>('SELECT count(*) AS n FROM relay_box_updates WHERE room_id = $1', [room])).rows[0]?.n);

describe('PostgreSQL update log (scale-out box docs)', () => {
  it('compaction on one node while the other appends loses no update', async () => {
    const room = 'pg-log-compact-0123456789';
    const keys = Array.from({ length: 400 }, (_, i) => `note.${i}`);
    let appending = true;
    const appends = (async () => {
      // Bursts of 20 in flight, as a node's clients send them.
      for (let i = 0; i < keys.length; i += 20) await Promise.all(keys.slice(i, i + 20).map((key) => two.append(room, entryUpdate(key, 200))));
      appending = false;
    })();
    let compactions = 0;
    while (appending) {
      await one.compact(room);
      compactions++;
    }
    await appends;
    const loaded = keysOf(await one.load(room));
    expect(keys.filter((key) => !loaded.has(key))).toEqual([]);
    expect(compactions).toBeGreaterThan(1);
    await one.compact(room);
    expect(await rowCount(room)).toBe(1);
    expect(keysOf(await two.load(room)).size).toBe(keys.length);
  });

  it('catchUp hands a loaded room what the other node committed since; after forget, nothing', async () => {
    const room = 'pg-log-catch-up-0123456789';
    await two.append(room, entryUpdate('before', 50));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await one.load(room)) ?? new Uint8Array());
    await Promise.all(['a', 'b', 'c'].map((key) => two.append(room, entryUpdate(key, 50))));
    for (const update of await one.catchUp(room)) Y.applyUpdate(doc, update);
    expect([...doc.getMap('entries').keys()].sort()).toEqual(['a', 'b', 'before', 'c']);
    one.forget(room);
    expect(await one.catchUp(room)).toEqual([]);
  });
});
