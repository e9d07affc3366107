/**
 * `npm run bench -- ml [--runs N] [--warmup N] [--variants noopt,shipped,fp32,preopt,hswish,int8] [--threads 1,2] [--no-browser] [--no-import]`
 * (default variants: shipped,preopt; see ml/model-variants.ts)
 *
 * CenterNet (chelsea.jpg letterboxed to 512) and PP-OCRv4 det (page.png at
 * 640x640) on onnxruntime-node (native, the baseline), onnxruntime-web wasm in
 * Node and in headless Chromium (cross-origin isolated, 1 and 2 threads), and
 * TF.js wasm on the original CenterNet graph; then end-to-end import
 * throughput. Prints medians and ratios; asserts nothing about timings.
 */
import { cpus, loadavg } from 'node:os';
import { benchCases } from './ml/bench-inputs.ts';
import { CHROMIUM, openChromium, type ChromiumSession } from './ml/chromium-contenders.ts';
import { measureInterleaved, type Contender } from './ml/contender.ts';
import { chromiumImportThroughput } from './ml/chromium-import.ts';
import { importThroughput, type ImportThroughput } from './ml/import-throughput.ts';
import { DEFAULT_PLAN } from './ml/median-timing.ts';
import { modelVariants, VARIANT_NOTES, type VariantName } from './ml/model-variants.ts';
import { NATIVE, nodeContenders } from './ml/node-contenders.ts';
import { formatResults, formatTargets } from './ml/results-table.ts';
import { tfjsNodeContender } from './ml/tfjs-node-contender.ts';


function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function run(args: string[]): Promise<void> {
  const plan = {
    warmup: Number(option(args, '--warmup') ?? DEFAULT_PLAN.warmup),
    runs: Math.max(10, Number(option(args, '--runs') ?? DEFAULT_PLAN.runs)),
  };
  const THREADS = (option(args, '--threads') ?? '1,2').split(',').map(Number);
  const variants = (option(args, '--variants') ?? 'shipped,preopt').split(',') as VariantName[];
  for (const v of variants) if (!(v in VARIANT_NOTES)) throw new Error(`unknown variant ${v}; known: ${Object.keys(VARIANT_NOTES).join(', ')}`);
  const t0 = performance.now();
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores; ${plan.warmup} warm-up + ${plan.runs} timed runs, interleaved`);
  for (const v of variants) console.log(`  [${v}] ${VARIANT_NOTES[v]}`);

  const cases = await benchCases();
  const withVariants = [
    { bench: cases.centernet, variants: await modelVariants(cases.centernet, variants) },
    { bench: cases.det, variants: await modelVariants(cases.det, variants) },
  ];
  const node = await nodeContenders(withVariants, THREADS);
  const tfjs = await tfjsNodeContender(cases.centernet);
  const contenders: Contender[] = [...node.contenders, tfjs];
  let browser: ChromiumSession | undefined;
  try {
    browser = args.includes('--no-browser')
      ? undefined
      : await openChromium({
          threads: THREADS,
          ort: withVariants.flatMap(({ bench, variants: vs }) => vs.map((variant) => ({ bench, variant }))),
          tfjs: cases.centernet,
        });
    contenders.push(...(browser?.contenders ?? []));
    for (const note of browser?.notes ?? []) console.log(`NOTE ${note}`);
    const results = await measureInterleaved(contenders, plan, (round) => process.stderr.write(`\rround ${round + 1}/${plan.runs}`));
    process.stderr.write('\n');
    console.log(`\n${formatResults(results, NATIVE)}\n`);
    if (browser) console.log(`targets:\n${formatTargets(results, NATIVE, CHROMIUM)}\n`);
  } finally {
    await browser?.close();
    await node.release();
    tfjs.release();
  }
  if (!args.includes('--no-import')) {
    const say = (where: string, r: ImportThroughput): void =>
      console.log(
        `import (${where}, ${r.threads} threads, decode + detect + OCR): ${r.photos} photos in ${r.seconds.toFixed(1)} s = ` +
          `${r.photosPerSecond.toFixed(2)} photos/s (${r.labels} labels, ${r.textLines} text lines)`,
      );
    say('Node, onnxruntime-node', await importThroughput(2));
    if (!args.includes('--no-browser')) {
      const r = await chromiumImportThroughput(2);
      say('Chromium, app tagger + onnxruntime-web wasm', r);
      console.log(`  (first photo in Chromium, incl. creating 4 sessions: ${Math.round(r.firstMs)} ms, not counted above)`);
    }
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}; bench took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
