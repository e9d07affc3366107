/**
 * `npm run models` and the postinstall hook: brings models/generated/ up to
 * date with models/manifest.json. `--update-manifest` re-pins hashes after a
 * deliberate converter change.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModels } from './build-models.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const t0 = performance.now();
try {
  const outcomes = await buildModels({
    root,
    updateManifest: process.argv.includes('--update-manifest'),
    log: (line) => console.log(line),
  });
  const counts = [...outcomes.values()].reduce<Record<string, number>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});
  console.log(`models: ${JSON.stringify(counts)} in ${Math.round(performance.now() - t0)} ms`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
