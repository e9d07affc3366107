import type pg from 'pg';
import { parseCapStatement, type CapPolicy } from '../../relay-cap/cap-statement.ts';
import { replacementVerdict, type RegisterResult, type RoomPolicies } from './room-caps.ts';

const CAPS_SQL = 'CREATE TABLE IF NOT EXISTS relay_room_caps (room_id text PRIMARY KEY, statement bytea NOT NULL)';
/** Nodes tell each other which room's policy changed (the payload is the room id). */
const CHANGED = 'relay_room_caps_changed';

/**
 * Write policies shared by scale-out nodes (RELAY.md "Scale-out: box docs"): the statements
 * in PostgreSQL, every node's copy in memory (writes are checked against it synchronously).
 * A registration runs in a transaction holding the room's row (or, for a first policy, an
 * advisory lock on the room), so two nodes cannot both take a room on first use, and it
 * notifies the other nodes, which re-read that room; a node also re-reads a room's policy
 * when the room loads, so a notification lost while it reconnected costs nothing.
 */
export class PgRoomCaps implements RoomPolicies {
  readonly #pool: pg.Pool;
  readonly #policies = new Map<string, CapPolicy>();
  #listener: pg.PoolClient | undefined;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  static async open(pool: pg.Pool): Promise<PgRoomCaps> {
    const caps = new PgRoomCaps(pool);
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(15017)');
      await client.query(CAPS_SQL);
    } finally {
      await client.query('SELECT pg_advisory_unlock(15017)').catch(() => undefined);
      client.release();
    }
    await caps.#listen();
    const { rows } = await pool.query<{ room_id: string; statement: Buffer }>('SELECT room_id, statement FROM relay_room_caps');
    for (const row of rows) caps.#take(row.room_id, row.statement);
    return caps;
  }

  get rooms(): string[] {
    return [...this.#policies.keys()];
  }

  policy(roomId: string): CapPolicy | undefined {
    return this.#policies.get(roomId);
  }

  /** Re-reads one room's policy (before the room loads on this node). */
  async refresh(roomId: string): Promise<void> {
    const { rows } = await this.#pool.query<{ statement: Buffer }>('SELECT statement FROM relay_room_caps WHERE room_id = $1', [roomId]);
    if (rows[0]) this.#take(roomId, rows[0].statement);
  }

  async register(roomId: string, body: Uint8Array, claimRoom: () => boolean): Promise<RegisterResult> {
    const parsed = parseCapStatement(roomId, body);
    if (!parsed.ok) return { status: 400, message: `${parsed.error.code}: ${parsed.error.message}` };
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(15017, hashtext($1))', [roomId]);
      const { rows } = await client.query<{ statement: Buffer }>('SELECT statement FROM relay_room_caps WHERE room_id = $1', [roomId]);
      const stored = rows[0] ? parseCapStatement(roomId, new Uint8Array(rows[0].statement)) : undefined;
      const current = stored?.ok ? stored.value : undefined;
      const refused = replacementVerdict(current, parsed.value);
      if (refused || (!current && !claimRoom())) {
        await client.query('ROLLBACK');
        return refused ?? { status: 507, message: 'the relay holds as many rooms as it may' };
      }
      await client.query(
        'INSERT INTO relay_room_caps (room_id, statement) VALUES ($1, $2) ON CONFLICT (room_id) DO UPDATE SET statement = EXCLUDED.statement',
        [roomId, Buffer.from(parsed.value.statement)],
      );
      await client.query('SELECT pg_notify($1, $2)', [CHANGED, roomId]);
      await client.query('COMMIT');
      this.#policies.set(roomId, parsed.value);
      return current ? { status: 200, message: `epoch ${parsed.value.epoch}` } : { status: 201, message: 'policy registered' };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.release();
  }

  #take(roomId: string, statement: Buffer): void {
    const parsed = parseCapStatement(roomId, new Uint8Array(statement));
    if (parsed.ok) this.#policies.set(roomId, parsed.value);
    else console.error(`relay: ignoring the write policy of a room: ${parsed.error.code}`);
  }

  /** One pooled connection LISTENs; when it breaks, the next one re-reads every policy. */
  async #listen(): Promise<void> {
    const client = await this.#pool.connect();
    this.#listener = client;
    client.on('notification', (message) => {
      if (message.channel === CHANGED && message.payload) void this.refresh(message.payload).catch(() => undefined);
    });
    client.on('error', () => {
      if (this.#listener !== client) return;
      this.#listener = undefined;
      client.release(true);
      setTimeout(() => void this.#relisten(), 1_000).unref();
    });
    await client.query(`LISTEN ${CHANGED}`);
  }

  async #relisten(): Promise<void> {
    try {
      await this.#listen();
      const { rows } = await this.#pool.query<{ room_id: string; statement: Buffer }>('SELECT room_id, statement FROM relay_room_caps');
      for (const row of rows) this.#take(row.room_id, row.statement);
    } catch {
      setTimeout(() => void this.#relisten(), 5_000).unref();
    }
  }
}
