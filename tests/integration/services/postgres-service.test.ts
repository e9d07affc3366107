import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from '../../helpers/services/postgres';
import { processAlive, processesMentioning } from '../../helpers/services/service-process';

describe('the PostgreSQL test service', () => {
  it('starts a cluster in a temp dir (TCP and unix socket), answers, and stops by pid leaving nothing running', async () => {
    const postgres = await startPostgres();
    try {
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      await client.query('CREATE TABLE t (n int)');
      await client.query('INSERT INTO t VALUES (41), (1)');
      expect((await client.query<{ s: string }>('SELECT sum(n) AS s FROM t')).rows[0]?.s).toBe('42');
      expect((await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v).toMatch(/^15\./);
      await client.end();
      expect(existsSync(join(postgres.socketDir, `.s.PGSQL.${postgres.port}`))).toBe(true);
      // The socket in the temp dir answers too (peer auth is off: scram over the socket as well).
      const viaSocket = new pg.Client({ host: postgres.socketDir, port: postgres.port, user: 'postgres', password: new URL(postgres.url).password, database: 'postgres' });
      await viaSocket.connect();
      expect((await viaSocket.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
      await viaSocket.end();
      const wrong = new pg.Client({ connectionString: postgres.url.replace(/:[0-9a-f]+@/, ':wrong@') });
      await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
      expect(processAlive(postgres.pid)).toBe(true);
    } finally {
      await postgres.stop();
    }
    expect(processAlive(postgres.pid)).toBe(false);
    expect(processesMentioning(postgres.dir)).toEqual([]);
    expect(existsSync(postgres.dir)).toBe(false);
  });
});
