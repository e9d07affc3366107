import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface InitialJs {
  /** Path in the build -> gzip bytes, for every script the first page load fetches. */
  readonly files: ReadonlyMap<string, number>;
  readonly gzipBytes: number;
}

/** Scripts and module preloads named by index.html (same-origin, absolute or relative). */
function entryScripts(html: string): string[] {
  const tags = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g), ...html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)];
  return tags.map((m) => (m[1] ?? '').replace(/^\//, ''));
}

/**
 * Static imports of a built chunk (`import{a}from"./x.js"`, `import"./x.js"`, `export*from`):
 * a dynamic `import("./x.js")` is followed by a parenthesis and is not matched, which
 * is the point: lazy chunks are not part of the first load.
 */
function staticImports(code: string): string[] {
  const found = code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{},\s]+?\s*from\s*)?["']([^"']+\.js)["']/g);
  return [...found].map((m) => m[1] ?? '');
}

/**
 * Builds the app into a temporary directory and sums the gzip size of the JS a first
 * visit must download before the app can run: index.html's scripts and module preloads
 * and every chunk they import statically. Lazy chunks (libsodium, the ML worker,
 * onnxruntime) are left out because they are fetched after the first screen shows.
 */
export async function measureInitialJs(root = resolve(import.meta.dirname, '..', '..', '..')): Promise<InitialJs> {
  const outDir = await mkdtemp(join(tmpdir(), 'obscura-size-'));
  try {
    const { build } = await import('vite');
    await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true, sourcemap: false } });
    const files = new Map<string, number>();
    const queue = entryScripts(readFileSync(join(outDir, 'index.html'), 'utf8'));
    while (queue.length > 0) {
      const file = queue.shift() ?? '';
      if (files.has(file) || !file.endsWith('.js')) continue;
      const code = readFileSync(join(outDir, file));
      files.set(file, gzipSync(code, { level: 9 }).length);
      for (const spec of staticImports(code.toString('utf8'))) {
        queue.push(spec.startsWith('/') ? spec.slice(1) : posix.join(posix.dirname(file), spec));
      }
    }
    return { files, gzipBytes: [...files.values()].reduce((a, b) => a + b, 0) };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
