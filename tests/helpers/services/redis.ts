import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, requireBinary, stopPid, waitUntil } from './service-process';

/** A real redis-server (Debian `redis-server`) on 127.0.0.1, no persistence, in its own temp dir. */
export interface RedisService {
  /** redis://:password@127.0.0.1:port — what a relay node is given with --redis. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** Everything the server wrote to stdout/stderr so far (for a failing test's message). */
  log(): string;
  /** SIGKILL by pid, then a new server on the same port and password (clients reconnect); `pid` is the new one. */
  restart(): Promise<void>;
  /** SIGTERM by pid, wait for the exit, remove the temp dir. */
  stop(): Promise<void>;
}

const REDIS_SERVER = '/usr/bin/redis-server';

export async function startRedis(): Promise<RedisService> {
  const binary = requireBinary(REDIS_SERVER, 'redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'obscura-redis-'));
  // A password so a relay test proves it passes credentials, as a real deployment must.
  const password = randomBytes(12).toString('hex');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let server: Running;
    try {
      server = await runServer(binary, dir, port, password);
    } catch (error) {
      lastError = error;
      continue;
    }
    return {
      url: `redis://:${password}@127.0.0.1:${port}`, port, dir,
      get pid() {
        return server.pid;
      },
      log: () => server.log(),
      async restart() {
        await stopPid(server.pid, 'SIGKILL');
        server = await runServer(binary, dir, port, password);
      },
      async stop() {
        await stopPid(server.pid, 'SIGTERM');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not start: ${String(lastError)}`);
}

interface Running {
  readonly pid: number;
  log(): string;
}

async function runServer(binary: string, dir: string, port: number, password: string): Promise<Running> {
  const child = spawn(binary, [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--save', '', '--appendonly', 'no', '--requirepass', password, '--logfile', '',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  try {
    await waitUntil('redis-server', 10_000, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
      const client = new Redis(`redis://:${password}@127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        if ((await client.ping()) !== 'PONG') throw new Error('no PONG');
      } finally {
        client.disconnect();
      }
    });
  } catch (error) {
    if (child.pid !== undefined) await stopPid(child.pid, 'SIGKILL');
    throw error;
  }
  return { pid: child.pid as number, log: () => output };
}
