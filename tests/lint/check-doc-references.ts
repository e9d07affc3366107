/**
 * `npm test` stage "doc references" (tests/run.mjs) and part of `npm run lint`: every
 * reference from a doc or a source comment to a doc, or to a section of one, must resolve
 * (rules in doc-references.ts). Prints the ones that do not and exits 1.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDocReferences, formatReport } from './doc-references.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Built, installed or generated: not ours to check (the .gitignore's folders, and git's). */
const SKIP = new Set(['.git', 'node_modules', 'dist', 'dist-e2e', 'models/generated', '.relay-data', '.test-results', 'tests/artifacts']);
const READ = /\.(?:md|[cm]?[jt]s|[jt]sx)$/;

function walk(dir: string, into: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(ROOT, path).split(sep).join('/');
    if (entry.isDirectory() && !SKIP.has(rel)) walk(path, into);
    else if (entry.isFile()) into.push(rel);
  }
}

const files: string[] = [];
walk(ROOT, files);
const texts = new Map(files.filter((f) => READ.test(f)).map((f) => [f, readFileSync(join(ROOT, f), 'utf8')] as const));
const report = checkDocReferences(texts, new Set(files));
console.log(formatReport(report));
process.exit(report.broken.length > 0 ? 1 : 0);
