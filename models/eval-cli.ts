import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEvalExpected, type EvalExpected } from './eval-expected.ts';
import { reportPhoto, scoreSet, type PhotoOutcome, type SetScore } from './eval-score.ts';
import { tagFile } from './tag-cli-file.ts';
import { loadTagModels } from './tag-cli-models.ts';
import type { TagIo } from './tag-cli.ts';

export const EVAL_USAGE = `usage: npm run eval -- [--json] [--threads N] <dir>

Tags every photo listed in <dir>/expected.json with the app's pipelines
(onnxruntime-node, like npm run tag) and prints object recall, distinct wrong
labels per photo without and with COCO objects, and legible-word recall, for
the whole set, the photos tuned on and the held-out ones (models/README.md
"Evaluation" describes expected.json).

  --json        print only one JSON object on stdout
  --threads N   intra-op threads per model`;

/** Issue 16's goals, printed beside each figure. */
export const EVAL_GOALS = { recall: 0.9, wrongPerNegative: 0.3, wrongPerObjectPhoto: 0.3, wordRecall: 0.95 } as const;

const IMAGE = /\.(jpe?g|png|webp|gif)$/i;

type Args = { kind: 'run'; dir: string; json: boolean; threads?: number } | { kind: 'help' } | { kind: 'usage-error'; message: string };

export function parseEvalArgs(argv: readonly string[]): Args {
  let dir: string | undefined;
  let json = false;
  let threads: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--json') json = true;
    else if (arg === '--threads') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 64) return { kind: 'usage-error', message: '--threads needs a whole number 1..64' };
      threads = n;
    } else if (arg.startsWith('-')) return { kind: 'usage-error', message: `unknown option ${arg}` };
    else if (dir === undefined) dir = arg;
    else return { kind: 'usage-error', message: 'give one directory' };
  }
  if (dir === undefined) return { kind: 'usage-error', message: 'no directory given' };
  return { kind: 'run', dir, json, ...(threads === undefined ? {} : { threads }) };
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

/** The whole `npm run eval` as a function, like runTagCli. Returns the exit status. */
export async function runEvalCli(argv: readonly string[], modelsDir: string, io: TagIo): Promise<number> {
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
    models = await loadTagModels(modelsDir, args.threads);
    expected = await readExpected(args.dir, models.detector.labels);
  } catch (err) {
    io.stderr(`eval: ${err instanceof Error ? err.message : String(err)}\n`);
    await models?.release();
    return 1;
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
