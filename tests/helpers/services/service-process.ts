import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The path of a service binary, or one line naming the apt command that installs it:
 * `npm test` installs the services when it runs as root (tests/run.mjs), so reaching this
 * error means a non-root run on a machine without them.
 */
export function requireBinary(path: string, aptPackage: string): string {
  if (existsSync(path)) return path;
  throw new Error(`${path} is missing; install it with: sudo apt-get install -y ${aptPackage}`);
}

/** A port free right now on 127.0.0.1 (the caller retries if another process takes it first). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', done);
  });
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** True while `pid` is a live process (a zombie counts as gone: it no longer serves anything). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Pids of every process whose command line mentions `marker` (a service's temp dir). */
export function processesMentioning(marker: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes(' ps -eo'))
    .map((line) => Number.parseInt(line.trim(), 10))
    .filter((pid) => processAlive(pid));
}

/** Signal `pid`, then wait for it to go; SIGKILL after `graceMs` so a stop always ends. */
export async function stopPid(pid: number, signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  if (!processAlive(pid)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      while (processAlive(pid)) await sleep(20);
      return;
    }
    await sleep(20);
  }
}

/** Retry `attempt` until it resolves or `timeoutMs` passes; the last error says why it never did. */
export async function waitUntil<T>(what: string, timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await attempt();
    } catch (error) {
      last = error;
      await sleep(50);
    }
  }
  throw new Error(`${what} did not answer within ${timeoutMs} ms: ${String(last)}`);
}
