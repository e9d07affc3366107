import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_DIST } from './harness/e2e-dist.ts';

/**
 * Issue 12 §7: test hooks must not ship. `?debug=notes` installs window.__obscuraNotes, which
 * writes notes into the open notebook (src/app/notes-debug-hook.ts); `?debug=ml` installs
 * window.__obscuraDebug (ml/worker/ml-debug-hook.ts). Only the e2e build may carry them.
 * This runs `vite build` as `npm run build` does, in its own process, into a temporary
 * directory, and searches every file it wrote, source maps too.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
/** Strings only the hook modules contain: their globals and what they are called. */
const MARKERS = ['__obscuraNotes', '__obscuraDebug', '__obscuraTagWrites', '__obscuraTagLog', 'notes-debug-hook', 'ml-debug-hook', 'installNotesDebugHook', 'installMlDebugHook'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Each marker with the files (and file names) it occurs in. */
function traces(dir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const path of files(dir)) {
    if (/\.(onnx|wasm|png|bin)$/.test(path)) continue;
    const text = `${relative(dir, path)}\n${readFileSync(path, 'latin1')}`;
    for (const marker of MARKERS) if (text.includes(marker)) found.set(marker, [...(found.get(marker) ?? []), relative(dir, path)]);
  }
  return found;
}

describe('the production build carries no test hook', () => {
  let out: string;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'obscura-production-build-'));
    const env: NodeJS.ProcessEnv = { ...process.env };
    // As `npm run build` from a shell: not vitest's NODE_ENV=test, nor its mode.
    delete env.NODE_ENV;
    delete env.VITEST;
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`vite build failed:\n${run.stdout}\n${run.stderr}`);
  }, 300_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('no file of `npm run build`, source maps included, names a hook, its globals or its module', () => {
    expect(files(out).some((f) => f.endsWith('index.html'))).toBe(true);
    expect(Object.fromEntries(traces(out))).toEqual({});
  });

  it('the e2e build (global-setup, --mode e2e) has them all, so the search finds what is there', () => {
    expect([...traces(E2E_DIST).keys()].sort()).toEqual([...MARKERS].sort());
  });
});
