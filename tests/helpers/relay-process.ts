import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** `npm run relay` as its own process: what a device really talks to, and whose memory we can sample. */
export interface RelayProcess {
  readonly relayUrl: string;
  readonly blobsUrl: string;
  readonly pid: number;
  readonly dataDir: string;
  /** Resident set size of the relay process now (from /proc). */
  rssBytes(): number;
  /** Still running (did not crash). */
  alive(): boolean;
  /** SIGTERM, wait for the exit, remove the data dir. Resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash: nothing is flushed), wait for the exit, remove the data dir. */
  kill(): Promise<void>;
  /** Everything the process printed so far. */
  output(): string;
}

/** `args` go to `npm run relay` after its port and data dir (e.g. `--require-write-capability`). */
export async function startRelayProcess(args: readonly string[] = []): Promise<RelayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'obscura-relay-proc-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'sync/server/relay-main.ts', '--port', '0', '--data-dir', dataDir, ...args], {
    cwd: ROOT,
    env: { ...process.env, HOST: '', PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const urls = await new Promise<{ relayUrl: string; blobsUrl: string }>((done, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // `relay:     ws://.../relay (Hocuspocus: ...)`.
      const match = /relay:\s+(ws:\S+?) \(.*\)\n\s+blobs:\s+(http:\S+)\/<roomId>/.exec(output);
      if (match) done({ relayUrl: match[1] as string, blobsUrl: match[2] as string });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}:\n${output}`)));
  });
  const pid = child.pid as number;
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    ...urls,
    pid,
    dataDir,
    rssBytes() {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return Number(kb?.[1] ?? 0) * 1024;
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
    output: () => output,
  };
}
