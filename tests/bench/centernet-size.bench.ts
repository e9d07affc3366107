/**
 * `npm run bench -- centernet-size [SIDE...] [--runs N]` (issue 16 §2): CenterNet at another
 * input side (default 384) against the shipped 512, in one run: the labelled eval set
 * (`npm run eval -- tests/fixtures/eval`, the same tag policy and OCR) with each detector, and
 * the detector's own time, onnxruntime-node, one thread, on the same letterboxed photos in
 * interleaved rounds. The variant is the shipped graph with its input-size constants changed
 * (tests/bench/ml/centernet-at-size.ts); converted at 512 it must equal the shipped file, which
 * is checked first. Asserts nothing about timings.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { runEvalCli } from '../../models/eval-cli.ts';
import { loadTagModels, type TagModels } from '../../models/tag-cli-models.ts';
import { letterbox } from '../../ml/image/letterbox.ts';
import { ROOT, decodeFixture } from './ml/bench-inputs.ts';
import { CENTERNET_EXPORT_SIZE, centernetAtSize } from './ml/centernet-at-size.ts';
import { stats } from './ml/median-timing.ts';

type SetFigures = { recall: number; wrongPerNegative: number; wrongPerObjectPhoto: number; recallWithCandidates: number; wrongCandidatesPerPhoto: number };
type EvalFigures = { all: SetFigures; tuned: SetFigures; heldOut: SetFigures; photos: { file: string; tags: string[] }[] };

const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
const EVAL_DIR = join(ROOT, 'tests/fixtures/eval');
const TIMED_PHOTOS = ['chelsea.jpg', 'coffee.jpg', 'astronaut.jpg', 'motorcycle_left.jpg'];

async function evalWith(side: number, onnx: Uint8Array | undefined): Promise<EvalFigures> {
  const loadModels = async (dir: string, threads?: number): Promise<TagModels> => {
    const shipped = await loadTagModels(dir, threads);
    if (!onnx) return shipped;
    // The shipped detector's session stays open until release(), which closes it with the rest.
    const detectSession = await ort.InferenceSession.create(onnx, threads ? { intraOpNumThreads: threads } : {});
    return { ...shipped, detector: { ...shipped.detector, inputSize: side }, detectSession, release: async () => void (await Promise.all([shipped.release(), detectSession.release()])) };
  };
  let out = '';
  const code = await runEvalCli(['--json', EVAL_DIR], join(ROOT, 'models'), { stdout: (t) => void (out += t), stderr: () => undefined }, loadModels);
  if (code !== 0) throw new Error(`eval at ${side} exited ${code}`);
  return JSON.parse(out) as EvalFigures;
}

async function timeDetectors(sides: readonly number[], onnx: readonly Uint8Array[], rounds: number): Promise<number[][]> {
  const sessions = await Promise.all(onnx.map((b) => ort.InferenceSession.create(b, { intraOpNumThreads: 1 })));
  const images = await Promise.all(TIMED_PHOTOS.map(decodeFixture));
  const inputs = sides.map((side) => images.map((img) => new ort.Tensor('float32', letterbox(img, side).data, [1, side, side, 3])));
  const times = sides.map(() => [] as number[]);
  for (let r = -1; r < rounds; r++) {
    for (let p = 0; p < images.length; p++) {
      for (let s = 0; s < sides.length; s++) {
        const t0 = performance.now();
        await sessions[s]!.run({ 'tower_0/images': inputs[s]![p]! });
        if (r >= 0) times[s]!.push(performance.now() - t0); // round -1 warms up
      }
    }
  }
  await Promise.all(sessions.map((s) => s.release()));
  return times;
}

export async function run(args: string[]): Promise<void> {
  const i = args.indexOf('--runs');
  const rounds = i >= 0 ? Number(args[i + 1]) : 5;
  const asked = args.filter((a, k) => /^\d+$/.test(a) && args[k - 1] !== '--runs').map(Number);
  const sides = [CENTERNET_EXPORT_SIZE, ...(asked.length ? asked : [384])];
  console.log(`load average before: ${load()} on ${cpus().length} cores`);

  const shipped = new Uint8Array(await readFile(join(ROOT, 'models/generated/centernet.onnx')));
  const rebuilt = await centernetAtSize(CENTERNET_EXPORT_SIZE);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  if (sha(rebuilt) !== sha(shipped)) throw new Error('CenterNet converted at 512 differs from the shipped file: the size constants are not what this bench thinks');
  console.log(`CenterNet rebuilt at ${CENTERNET_EXPORT_SIZE} = the shipped file (sha256 ${sha(shipped).slice(0, 12)}...)`);
  const variants = [shipped, ...(await Promise.all(sides.slice(1).map(centernetAtSize)))];

  const times = await timeDetectors(sides, variants, rounds);
  console.log(`detector alone, onnxruntime-node 1 thread, ${TIMED_PHOTOS.length} photos x ${rounds} interleaved rounds (load ${load()}):`);
  sides.forEach((side, s) => {
    const st = stats(times[s]!);
    console.log(`  ${side}: median ${st.median.toFixed(1)} ms (min ${st.min.toFixed(1)}), ${(st.median / stats(times[0]!).median).toFixed(2)}x the 512 time`);
  });

  const evals: EvalFigures[] = [];
  for (const [s, side] of sides.entries()) {
    evals.push(await evalWith(side, s === 0 ? undefined : variants[s]));
    console.log(`eval at ${side}: done (load ${load()})`);
  }
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  console.log(`\nlabelled set (${EVAL_DIR.replace(`${ROOT}/`, '')}), tag policy as shipped (calibrated at 512):`);
  console.log(`  side | set      | recall | wrong/photo none | wrong/photo objects | recall with maybe | wrong maybe/photo`);
  for (const [s, side] of sides.entries()) {
    for (const set of ['all', 'tuned', 'heldOut'] as const) {
      const f = evals[s]![set];
      console.log(`  ${String(side).padStart(4)} | ${set.padEnd(8)} | ${pct(f.recall).padStart(6)} | ${f.wrongPerNegative.toFixed(2).padStart(16)} | ${f.wrongPerObjectPhoto.toFixed(2).padStart(19)} | ${pct(f.recallWithCandidates).padStart(17)} | ${f.wrongCandidatesPerPhoto.toFixed(2).padStart(17)}`);
    }
  }
  for (const [s, side] of sides.entries()) {
    if (s === 0) continue;
    const distinct = (tags: readonly string[]) => [...new Set(tags)].sort().join('+') || '-';
    const before = new Map(evals[0]!.photos.map((p) => [p.file, distinct(p.tags)]));
    const changed = evals[s]!.photos.filter((p) => distinct(p.tags) !== before.get(p.file));
    console.log(`  distinct tags changed at ${side} on ${changed.length} of ${evals[s]!.photos.length} photos: ${changed.map((p) => `${p.file} ${before.get(p.file)} -> ${distinct(p.tags)}`).join('; ')}`);
  }
  console.log(`load average after: ${load()}`);
}
