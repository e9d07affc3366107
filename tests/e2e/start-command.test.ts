import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Runs the real `npm start` entry (on a free port) and waits for the URL it prints. */
function start(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync/server/start.ts', '--port', '0'], { cwd: ROOT, env: { ...process.env, PORT: '' } });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Obscura is running at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolvePromise({ child, url: match[1] as string, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

describe('npm start', () => {
  let child: ChildProcess | undefined;
  afterAll(() => void child?.kill('SIGTERM'));

  it('serves the app on 127.0.0.1 with cross-origin isolation headers, and prints the URL', async () => {
    const started = await start();
    child = started.child;
    const response = await fetch(started.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await response.text()).toContain('<title>Obscura</title>');
    const missing = await fetch(new URL('/no/such/asset.js', started.url));
    // The shell answers unknown paths (single-page app), still with the headers.
    expect(missing.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  });
});
