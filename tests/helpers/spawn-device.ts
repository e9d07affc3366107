import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface SpawnedDevice {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything the child printed so far. */
  out(): string;
  err(): string;
  /** The exit code (null when killed). */
  readonly exited: Promise<number | null>;
}

/**
 * Runs a device script (see child-device.ts) in its own Node process through tsx, with
 * `env` added to this process's environment, and collects what it prints.
 */
export function spawnDevice(script: URL, env: Record<string, string>): SpawnedDevice {
  const child = spawn(process.execPath, ['--import', 'tsx', script.pathname], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, out: () => out, err: () => err, exited };
}
