import type pg from 'pg';
import * as Y from 'yjs';
import type { RoomUpdateLog } from './room-update-log.ts';

/**
 * One row per update a node's client sent (the ciphertext update as it arrived, after the
 * box-shape check), never a whole state that another node's could overwrite. `tx` is the
 * writing transaction's id, so a node can read what others committed since it last looked
 * (see `catchUp`).
 */
export const BOX_UPDATES_SQL = `
CREATE TABLE IF NOT EXISTS relay_box_updates (
  room_id text NOT NULL, seq bigserial NOT NULL, tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
  update bytea NOT NULL, PRIMARY KEY (room_id, seq));
CREATE INDEX IF NOT EXISTS relay_box_updates_tx ON relay_box_updates (room_id, tx);
`;

interface Pending {
  readonly update: Uint8Array;
  readonly done: { resolve(): void; reject(error: unknown): void };
}

/**
 * The scale-out nodes' log of box updates in PostgreSQL (RELAY.md "Scale-out: box docs").
 * Appends of one room go out in order, one INSERT at a time; what arrives meanwhile is sent
 * in the next INSERT together, so a burst costs a few round trips and acknowledgements keep
 * the order of the frames. Compaction deletes exactly the rows it read and inserts their
 * merge in one transaction: a row another node commits meanwhile is not among them and stays.
 */
export class PgRoomLog implements RoomUpdateLog {
  readonly #pool: pg.Pool;
  readonly #queues = new Map<string, Pending[]>();
  /** Per loaded room: the oldest transaction that may not have been visible at the last read. */
  readonly #cursors = new Map<string, string>();
  /**
   * Updates whose INSERT failed (PostgreSQL down): the node applied and forwarded them already,
   * so it sends them again with the room's next INSERT and every second until one succeeds.
   */
  readonly #failed = new Map<string, Uint8Array[]>();
  readonly #retryTimer: NodeJS.Timeout;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#retryTimer = setInterval(() => {
      for (const roomId of this.#failed.keys()) {
        if (this.#queues.has(roomId)) continue;
        this.#queues.set(roomId, []);
        void this.#flush(roomId);
      }
    }, 1_000);
    this.#retryTimer.unref();
  }

  static async open(pool: pg.Pool): Promise<PgRoomLog> {
    const client = await pool.connect();
    try {
      // Two nodes running CREATE TABLE IF NOT EXISTS at once can still collide on the catalog.
      await client.query('SELECT pg_advisory_lock(15016)');
      await client.query(BOX_UPDATES_SQL);
    } finally {
      await client.query('SELECT pg_advisory_unlock(15016)').catch(() => undefined);
      client.release();
    }
    return new PgRoomLog(pool);
  }

  async load(roomId: string): Promise<Uint8Array | null> {
    const { cursor, updates } = await this.#read(roomId, undefined);
    this.#cursors.set(roomId, cursor);
    return updates.length === 0 ? null : Y.mergeUpdates(updates);
  }

  /**
   * What other nodes appended to a loaded room since `load` or the last catch-up (updates
   * may come again; applying one twice changes nothing). Note: sequence numbers are taken
   * before commit, so a row with a lower number can appear after one with a higher; the
   * cursor is therefore the oldest transaction still running at the last read (the snapshot's
   * xmin): every row of a transaction before it was visible then.
   */
  async catchUp(roomId: string): Promise<Uint8Array[]> {
    const since = this.#cursors.get(roomId);
    if (since === undefined) return [];
    const { cursor, updates } = await this.#read(roomId, since);
    if (this.#cursors.has(roomId)) this.#cursors.set(roomId, cursor);
    return updates;
  }

  /** The room unloaded: no more catch-ups for it. */
  forget(roomId: string): void {
    this.#cursors.delete(roomId);
  }

  append(roomId: string, update: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(roomId);
      if (queue) return void queue.push({ update, done: { resolve, reject } });
      this.#queues.set(roomId, [{ update, done: { resolve, reject } }]);
      void this.#flush(roomId);
    });
  }

  async compact(roomId: string): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ update: Buffer }>('DELETE FROM relay_box_updates WHERE room_id = $1 RETURNING update', [roomId]);
      if (rows.length < 2) {
        await client.query('ROLLBACK');
        return;
      }
      const merged = Y.mergeUpdates(rows.map((row) => new Uint8Array(row.update)));
      await client.query('INSERT INTO relay_box_updates (room_id, update) VALUES ($1, $2)', [roomId, merged]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async storedRoomIds(): Promise<string[]> {
    const { rows } = await this.#pool.query<{ room_id: string }>('SELECT DISTINCT room_id FROM relay_box_updates');
    return rows.map((row) => row.room_id);
  }

  /** What the table takes on disk, indexes included (errs high, as the LevelDB directory's size does). */
  async storedBytes(): Promise<number> {
    const { rows } = await this.#pool.query<{ bytes: string }>("SELECT pg_total_relation_size('relay_box_updates') AS bytes");
    return Number(rows[0]?.bytes ?? 0);
  }

  /** The pool belongs to the node (scale-out-docs.ts), which ends it. */
  async close(): Promise<void> {
    clearInterval(this.#retryTimer);
    while (this.#queues.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const [roomId, updates] of this.#failed) console.error(`relay: ${updates.length} updates of a room were never stored (${roomId.length}-character id)`);
  }

  async #flush(roomId: string): Promise<void> {
    for (;;) {
      const batch = this.#queues.get(roomId) ?? [];
      const retried = this.#failed.get(roomId) ?? [];
      if (batch.length === 0 && retried.length === 0) {
        this.#queues.delete(roomId);
        return;
      }
      this.#queues.set(roomId, []);
      this.#failed.delete(roomId);
      const updates = [...retried, ...batch.map((pending) => pending.update)];
      try {
        await this.#pool.query('INSERT INTO relay_box_updates (room_id, update) SELECT $1, unnest($2::bytea[])', [
          roomId, updates.map((update) => Buffer.from(update.buffer, update.byteOffset, update.byteLength)),
        ]);
        for (const pending of batch) pending.done.resolve();
      } catch (error) {
        this.#failed.set(roomId, [...updates, ...(this.#failed.get(roomId) ?? [])]);
        for (const pending of batch) pending.done.reject(error);
        // The retry timer takes it from here: a dead database must not spin this loop.
        if ((this.#queues.get(roomId) ?? []).length === 0) {
          this.#queues.delete(roomId);
          return;
        }
      }
    }
  }

  async #read(roomId: string, since: string | undefined): Promise<{ cursor: string; updates: Uint8Array[] }> {
    // The cursor first: a transaction that commits between the two queries is read again next time.
    const { rows: [snapshot] } = await this.#pool.query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
    const { rows } = since === undefined
      ? await this.#pool.query<{ update: Buffer }>('SELECT update FROM relay_box_updates WHERE room_id = $1', [roomId])
      : await this.#pool.query<{ update: Buffer }>('SELECT update FROM relay_box_updates WHERE room_id = $1 AND tx >= $2::xid8', [roomId, since]);
    if (!snapshot) throw new Error('PostgreSQL returned no snapshot');
    return { cursor: snapshot.xmin, updates: rows.map((row) => new Uint8Array(row.update)) };
  }
}
