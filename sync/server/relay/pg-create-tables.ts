import type pg from 'pg';

/**
 * Runs `sql` (CREATE TABLE IF NOT EXISTS, CREATE INDEX IF NOT EXISTS) holding a session
 * advisory lock: two nodes running those at once can still collide on the catalog (a unique
 * violation on pg_type), so nodes that start together take turns. Each caller owns its
 * `lockKey` (15015 blob tables, 15016 box updates, 15017 write policies).
 */
export async function createTablesOnce(pool: pg.Pool, lockKey: number, sql: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    await client.query(sql);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
    client.release();
  }
}
