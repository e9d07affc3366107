import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEvalExpected, type EvalExpected } from './eval-expected.ts';
import { parsePeopleExpected } from './eval-people-expected.ts';
import { evalPeople, formatPeople, formatPeopleSweep } from './eval-people.ts';
import { reportPhoto, scoreSet, type PhotoOutcome, type SetScore } from './eval-score.ts';
import { detectObjects } from '../ml/detect/detect-objects.ts';
import { TAG_POLICY } from '../ml/detect/tag-policy.ts';
import { decodeNode } from '../ml/image/decode-node.ts';
import { sweepTagPolicies, type RawPhoto, type SweepRow } from './eval-sweep.ts';
import { tagFile } from './tag-cli-file.ts';
import { loadTagModels, type TagModels } from './tag-cli-models.ts';
import type { PeopleExpected } from './eval-people-expected.ts';
import type { TagIo } from './tag-cli.ts';

export const EVAL_USAGE = `usage: npm run eval -- [--json] [--threads N] <dir>

Tags every photo listed in <dir>/expected.json with the app's pipelines
(onnxruntime-node, like npm run tag) and prints object recall, distinct wrong
labels per photo without and with COCO objects, and legible-word recall, for
the whole set, the photos tuned on and the held-out ones (models/README.md
"Evaluation" describes expected.json).

When expected.json has "people" ({"<name>": [files]}), it instead finds and
groups the faces of every photo in <dir> as the app does and prints the
pairwise precision and recall of the grouping (two photos of one person in
one group are a true pair); --json prints {"pairPrecision", "pairRecall",
"faces", "groups", ...} for the whole set, with "tuned" and "heldOut" inside.

  --json        print only one JSON object on stdout
  --sweep       instead, run the detector alone (boxes down to 0.05) and rank the
                tag policies of a grid by the photos not held out, printing
                the held-out figures beside each (how TAG_POLICY was chosen);
                with "people", the figures at each grouping threshold 0.50-0.80
  --threads N   intra-op threads per model`;

/** Issue 16's goals, printed beside each figure. */
export const EVAL_GOALS = { recall: 0.9, wrongPerNegative: 0.3, wrongPerObjectPhoto: 0.3, wordRecall: 0.95 } as const;

const IMAGE = /\.(jpe?g|png|webp|gif)$/i;

type Args = { kind: 'run'; dir: string; json: boolean; sweep: boolean; threads?: number } | { kind: 'help' } | { kind: 'usage-error'; message: string };

export function parseEvalArgs(argv: readonly string[]): Args {
  let dir: string | undefined;
  let json = false;
  let sweep = false;
  let threads: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--json') json = true;
    else if (arg === '--sweep') sweep = true;
    else if (arg === '--threads') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 64) return { kind: 'usage-error', message: '--threads needs a whole number 1..64' };
      threads = n;
    } else if (arg.startsWith('-')) return { kind: 'usage-error', message: `unknown option ${arg}` };
    else if (dir === undefined) dir = arg;
    else return { kind: 'usage-error', message: 'give one directory' };
  }
  if (dir === undefined) return { kind: 'usage-error', message: 'no directory given' };
  return { kind: 'run', dir, json, sweep, ...(threads === undefined ? {} : { threads }) };
}

const pct = (v: number): string => (Number.isNaN(v) ? '  -  ' : `${(v * 100).toFixed(1)}%`);
const per = (v: number): string => (Number.isNaN(v) ? ' - ' : v.toFixed(2));
const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');

function formatScore(name: string, s: SetScore): string[] {
  const g = EVAL_GOALS;
  return [
    `${name}: ${s.photos} photos (${s.negatives} without COCO objects), ${s.objectsRequired} required objects, ${s.wordsListed} legible words`,
    `  object recall (tags)          ${pct(s.recall).padStart(7)}   goal >= ${g.recall * 100}%: ${mark(s.recall >= g.recall)}`,
    `  wrong labels / photo, none    ${per(s.wrongPerNegative).padStart(7)}   goal <= ${g.wrongPerNegative}: ${mark(s.wrongPerNegative <= g.wrongPerNegative)}`,
    `  wrong labels / photo, objects ${per(s.wrongPerObjectPhoto).padStart(7)}   goal <= ${g.wrongPerObjectPhoto}: ${mark(s.wrongPerObjectPhoto <= g.wrongPerObjectPhoto)}`,
    `  legible-word recall           ${pct(s.wordRecall).padStart(7)}   goal >= ${g.wordRecall * 100}%: ${Number.isNaN(s.wordRecall) ? 'no words listed' : mark(s.wordRecall >= g.wordRecall)}`,
    `  recall with "maybe" candidates ${pct(s.recallWithCandidates).padStart(6)}   wrong candidates / photo ${per(s.wrongCandidatesPerPhoto)}`,
  ];
}

/** Every box the detector gives down to 0.05, at most 100 a photo: what a policy chooses from. */
async function detectAll(dir: string, expected: EvalExpected, models: TagModels, io: TagIo): Promise<Map<string, RawPhoto>> {
  const raw = new Map<string, RawPhoto>();
  for (const file of expected.photos.keys()) {
    const decoded = await decodeNode(new Uint8Array(await readFile(join(dir, file))), { maxPixels: 4_000_000 });
    if (!decoded.ok) throw new Error(`${file}: ${decoded.code}`);
    const { image } = decoded;
    const detections = await detectObjects(image, models.detectSession, { model: models.detector, Tensor: models.ocr.Tensor, minScore: 0.05, maxResults: 100 });
    raw.set(file, { width: image.width, height: image.height, detections });
    io.stderr(`eval: ${file}\n`);
  }
  return raw;
}

function formatSweep(rows: readonly SweepRow[]): string {
  const fig = (s: SetScore) => `${pct(s.recall).padStart(6)} ${per(s.wrongPerNegative).padStart(5)} ${per(s.wrongPerObjectPhoto).padStart(5)}`;
  const line = (r: SweepRow) =>
    `${r.tagScore.toFixed(2).padStart(7)} ${r.minTagArea.toFixed(2).padStart(8)} ${(r.classBar?.toFixed(2) ?? '-').padStart(9)}   ${fig(r.tuned)}   ${fig(r.heldOut)}`;
  const shipped = rows.find((r) => r.tagScore === TAG_POLICY.tagScore && r.minTagArea === TAG_POLICY.minTagArea && r.classBar === Object.values(TAG_POLICY.classTagScore)[0]);
  return `${[
    'tag bar  min box  class bar   tuned: recall none  objs   held out: recall none  objs',
    ...rows.slice(0, 12).map(line),
    '...',
    ...(shipped ? ['shipped (ml/detect/tag-policy.ts):', line(shipped)] : []),
  ].join('\n')}\n`;
}

async function readExpected(dir: string, labels: readonly string[]): Promise<EvalExpected> {
  const text = await readFile(join(dir, 'expected.json'), 'utf8').catch(() => undefined);
  if (text === undefined) throw new Error(`${join(dir, 'expected.json')} is missing`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`expected.json is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = parseEvalExpected(json, labels);
  if (!parsed.ok) throw new Error(`expected.json: ${parsed.message}`);
  const onDisk = (await readdir(dir)).filter((f) => IMAGE.test(f));
  const unlisted = onDisk.filter((f) => !parsed.value.photos.has(f));
  if (unlisted.length > 0) throw new Error(`photos without an entry in expected.json: ${unlisted.join(', ')}`);
  return parsed.value;
}

/** The people form of expected.json and the folder's photos, or undefined when it has no "people". */
async function readPeople(dir: string): Promise<{ expected: PeopleExpected; files: string[] } | undefined> {
  const text = await readFile(join(dir, 'expected.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined; // readExpected reports it
  }
  if (typeof json !== 'object' || json === null || !('people' in json)) return undefined;
  const files = (await readdir(dir)).filter((f) => IMAGE.test(f)).sort();
  const parsed = parsePeopleExpected(json, new Set(files));
  if (!parsed.ok) throw new Error(`expected.json: ${parsed.message}`);
  return { expected: parsed.value, files };
}

async function runPeople(args: Extract<Args, { kind: 'run' }>, people: { expected: PeopleExpected; files: string[] }, models: TagModels, io: TagIo): Promise<number> {
  const nan = (_k: string, v: unknown) => (Number.isNaN(v) ? null : v);
  if (args.sweep) {
    const thresholds = Array.from({ length: 31 }, (_, i) => Number((0.5 + i * 0.01).toFixed(2)));
    io.stdout(formatPeopleSweep(await evalPeople(args.dir, people.files, people.expected, models, io, thresholds)));
    return 0;
  }
  const [report] = await evalPeople(args.dir, people.files, people.expected, models, io);
  if (!report) return 1;
  if (args.json) io.stdout(`${JSON.stringify({ ...report.all, threshold: report.threshold, tuned: report.tuned, heldOut: report.heldOut }, nan, 2)}
`);
  else io.stdout(formatPeople(report));
  return 0;
}

/**
 * The whole `npm run eval` as a function, like runTagCli. Returns the exit status.
 * `loadModels` is the manifest's models unless a caller compares a variant of them on the same
 * set (tests/bench/centernet-size.bench.ts runs the detector at another input size).
 */
export async function runEvalCli(
  argv: readonly string[],
  modelsDir: string,
  io: TagIo,
  loadModels: (modelsDir: string, threads?: number) => Promise<TagModels> = loadTagModels,
): Promise<number> {
  const args = parseEvalArgs(argv);
  if (args.kind === 'help') {
    io.stdout(`${EVAL_USAGE}\n`);
    return 0;
  }
  if (args.kind === 'usage-error') {
    io.stderr(`eval: ${args.message}\n${EVAL_USAGE}\n`);
    return 2;
  }
  let models;
  let expected: EvalExpected;
  try {
    models = await loadModels(modelsDir, args.threads);
    const people = await readPeople(args.dir);
    if (people) {
      try {
        return await runPeople(args, people, models, io);
      } finally {
        await models.release();
      }
    }
    expected = await readExpected(args.dir, models.detector.labels);
  } catch (err) {
    io.stderr(`eval: ${err instanceof Error ? err.message : String(err)}\n`);
    await models?.release();
    return 1;
  }
  if (args.sweep) {
    try {
      io.stdout(formatSweep(sweepTagPolicies(expected, await detectAll(args.dir, expected, models, io), EVAL_GOALS.wrongPerNegative)));
      return 0;
    } finally {
      await models.release();
    }
  }
  const outcomes = new Map<string, PhotoOutcome>();
  try {
    for (const file of expected.photos.keys()) {
      const r = await tagFile(join(args.dir, file), models);
      if (r.error !== undefined) {
        io.stderr(`eval: ${file}: ${r.error}\n`);
        return 1;
      }
      outcomes.set(file, {
        file,
        tags: r.labels.map((l) => l.label),
        candidates: r.candidates.map((l) => l.label),
        text: r.text.map((t) => t.text),
      });
      io.stderr(`eval: ${file}\n`);
    }
  } finally {
    await models.release();
  }
  const files = [...expected.photos.keys()];
  const sets = {
    all: scoreSet(expected, outcomes, files),
    tuned: scoreSet(expected, outcomes, files.filter((f) => !expected.heldOut.has(f))),
    heldOut: scoreSet(expected, outcomes, files.filter((f) => expected.heldOut.has(f))),
  };
  const photos = files.map((f) => ({ ...reportPhoto(expected.photos.get(f)!, outcomes.get(f)!), ...outcomes.get(f)! }));
  if (args.json) {
    io.stdout(`${JSON.stringify({ goals: EVAL_GOALS, ...sets, photos }, (_k, v: unknown) => (Number.isNaN(v) ? null : v), 2)}\n`);
    return 0;
  }
  const lines: string[] = [];
  for (const p of photos) {
    const notes = [
      p.missed.length ? `missed ${p.missed.join(', ')}` : '',
      p.wrong.length ? `WRONG ${p.wrong.join(', ')}` : '',
      p.missedWords.length ? `unread ${p.missedWords.join(' ')}` : '',
      p.wrongCandidates.length ? `maybe-wrong ${p.wrongCandidates.join(', ')}` : '',
    ].filter(Boolean);
    lines.push(`${expected.heldOut.has(p.file) ? 'H' : ' '} ${p.file.padEnd(40)} tags: ${[...new Set(p.tags)].join(', ') || '-'}${p.candidates.length ? ` | maybe: ${[...new Set(p.candidates)].join(', ')}` : ''}${notes.length ? `   [${notes.join('; ')}]` : ''}`);
  }
  lines.push('', ...formatScore('all photos', sets.all), ...formatScore('tuned on', sets.tuned), ...formatScore('held out (H)', sets.heldOut));
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
