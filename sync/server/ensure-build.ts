import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['index.html', 'vite.config.ts', 'package-lock.json', 'src', 'crypto', 'sync', 'ml', 'models', 'public'];
const SKIP = new Set(['node_modules', 'server', 'generated-cache']);
const STAMP = '.build-stamp';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (SKIP.has(entry)) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * `npm start` must work on a fresh clone without a separate build step, and must not
 * serve a stale bundle after a `git pull`; so build when any input is newer than the
 * last build's stamp, or when the last build was made in another Vite mode (the stamp
 * names it): `production` for `npm start`, `e2e` for the e2e tests, whose build adds
 * their hooks (src/app/test-hooks.ts) and must never be served as the app.
 */
export async function ensureBuild(root: string, outDir: string, mode: 'production' | 'e2e' = 'production'): Promise<'fresh' | 'built'> {
  const stampPath = join(outDir, STAMP);
  const stamp = existsSync(stampPath) ? statSync(stampPath).mtimeMs : 0;
  const sameMode = existsSync(stampPath) && readFileSync(stampPath, 'utf8').split('\n')[0] === `mode ${mode}`;
  const newest = Math.max(...INPUTS.map((p) => newestMtime(join(root, p))));
  if (stamp > newest && sameMode) return 'fresh';
  const { build } = await import('vite');
  await build({ root, mode, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  writeFileSync(stampPath, `mode ${mode}\n${new Date().toISOString()}\n`);
  return 'built';
}
