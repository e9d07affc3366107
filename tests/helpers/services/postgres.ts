import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, requireBinary, stopPid, waitUntil } from './service-process';

/** A real PostgreSQL 15 (Debian `postgresql`) cluster in a temp dir, TCP on 127.0.0.1 and a unix socket in that dir. */
export interface PostgresService {
  /** postgres://postgres:password@127.0.0.1:port/postgres — what a relay node is given with --postgres. */
  readonly url: string;
  readonly port: number;
  /** The postmaster's pid (from postmaster.pid; pg_ctl detaches it from us). */
  readonly pid: number;
  readonly dir: string;
  /** Directory holding the unix socket (.s.PGSQL.<port>). */
  readonly socketDir: string;
  log(): string;
  /**
   * Stops the server (`pg_ctl stop -m fast`: every connection cut, what was committed kept; an
   * immediate stop would lose commits, since the cluster runs with synchronous_commit off)
   * and starts it again on the same port.
   */
  restart(): Promise<void>;
  /** Fast shutdown (SIGINT) by pid, wait for the exit, remove the cluster. */
  stop(): Promise<void>;
}

const BIN = '/usr/lib/postgresql/15/bin';

function postgresUid(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export async function startPostgres(): Promise<PostgresService> {
  const initdb = requireBinary(join(BIN, 'initdb'), 'postgresql');
  const pgCtl = requireBinary(join(BIN, 'pg_ctl'), 'postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'obscura-pg-'));
  const data = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  const logFile = join(dir, 'server.log');
  const password = randomBytes(12).toString('hex');
  mkdirSync(socketDir);
  writeFileSync(join(dir, 'pw'), password);
  // PostgreSQL refuses to run as root: as root the cluster belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  const run = (binary: string, args: string[]): void => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
    execFileSync(cmd, argv, { stdio: 'pipe' });
  };
  if (asRoot) {
    const { uid, gid } = postgresUid();
    for (const path of [dir, socketDir, join(dir, 'pw')]) chownSync(path, uid, gid);
  }
  chmodSync(dir, 0o700);
  try {
    run(initdb, ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${join(dir, 'pw')}`, '-E', 'UTF8', '--no-sync']);
    rmSync(join(dir, 'pw'));
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const options = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
      try {
        run(pgCtl, ['-D', data, '-l', logFile, '-o', options, '-w', '-t', '30', 'start']);
      } catch (error) {
        lastError = error;
        continue;
      }
      const readPid = () => Number.parseInt(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
      let pid = readPid();
      const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
      await waitUntil('postgres', 10_000, async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.end();
      });
      return {
        url, port, dir, socketDir,
        get pid() {
          return pid;
        },
        log: () => readFileSync(logFile, 'utf8'),
        async restart() {
          // Not execFileSync: the test's clients keep writing while the server is down.
          const runAsync = (args: string[]) => {
            const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', pgCtl, ...args]] : [pgCtl, args];
            return promisify(execFile)(cmd, argv);
          };
          await runAsync(['-D', data, '-m', 'fast', '-w', 'stop']);
          await new Promise((resolve) => setTimeout(resolve, 500));
          await runAsync(['-D', data, '-l', logFile, '-o', options, '-w', '-t', '30', 'start']);
          pid = readPid();
        },
        async stop() {
          await stopPid(pid, 'SIGINT');
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    throw new Error(`postgres did not start: ${String(lastError)}`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Creates database `name` in the cluster and answers its URL (a relay node's --postgres). */
export async function createDatabase(postgres: Pick<PostgresService, 'url'>, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgres.url);
  url.pathname = `/${name}`;
  return url.toString();
}
