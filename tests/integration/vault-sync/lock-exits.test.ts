import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const relay = relayForSuite();

describe('vault sync stops completely', () => {
  it('after lock nothing keeps Node alive: a process that synced, joined and locked exits by itself', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./lock-and-exit.ts', import.meta.url).pathname], {
      env: { ...process.env, OBSCURA_RELAY: relay.relayUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const tooLong = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000));
    const outcome = await Promise.race([exited, tooLong]);
    child.kill();
    expect({ outcome, out: out.trim(), err }).toEqual({ outcome: 0, out: 'locked', err: '' });
  }, 30_000);
});
