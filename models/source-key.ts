import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PinnedFile } from '../ml/runtime/model-manifest.ts';

async function converterFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? converterFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []))),
  );
  return nested.flat().sort();
}

/**
 * A digest of everything a generated file is made from: the source files and,
 * for conversions, the converter's own code and options. The build stores it
 * beside the output (`<file>.stamp`), so editing the converter triggers a
 * rebuild even when the old output still matches the manifest.
 */
export async function sourceKey(root: string, f: PinnedFile, convertOptions: unknown): Promise<string | undefined> {
  const src = f.source;
  if (!src) return undefined;
  const from = join(root, 'node_modules', src.package, src.path);
  const hash = createHash('sha256');
  const add = async (path: string) => hash.update(path.slice(root.length)).update(await readFile(path));
  try {
    await add(from);
    if (src.convert === 'tfjs-graph') {
      const json = JSON.parse(await readFile(from, 'utf8')) as { weightsManifest?: { paths?: unknown[] }[] };
      for (const group of json.weightsManifest ?? []) {
        for (const p of group.paths ?? []) if (typeof p === 'string' && /^[\w.-]+$/.test(p)) await add(join(dirname(from), p));
      }
    }
    if (src.convert !== 'copy') {
      for (const file of await converterFiles(join(root, 'models', 'converter'))) await add(file);
      // The converter's JSON checks live with the manifest reader they share.
      await add(join(root, 'ml', 'runtime', 'json-guard.ts'));
      hash.update(JSON.stringify(convertOptions));
    }
  } catch {
    return undefined; // source missing: the caller skips or checks what is there
  }
  return hash.digest('hex');
}
