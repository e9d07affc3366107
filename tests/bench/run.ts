/**
 * `npm run bench -- <name> [args]` runs tests/bench/<name>.bench.ts; with no name, all of them.
 * Benchmarks print numbers and ratios against a baseline measured in the same run;
 * they never assert timings.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .sort();
const [name, ...rest] = process.argv.slice(2);
const chosen = name ? [name] : available;

for (const bench of chosen) {
  if (!available.includes(bench)) {
    console.error(`No benchmark "${bench}". Available: ${available.join(', ')}`);
    process.exit(2);
  }
  // `--json` asks for one JSON object on stdout (import.bench.ts): the header goes to stderr then.
  (rest.includes('--json') ? console.error : console.log)(`\n### bench ${bench}`);
  const module = (await import(pathToFileURL(join(here, `${bench}.bench.ts`)).href)) as { run(args: string[]): Promise<void> };
  await module.run(rest);
}
