import type { ContenderResult } from './contender.ts';

const f1 = (v: number): string => v.toFixed(1);
const variantOf = (runtime: string): string => /\[(.*)\]$/.exec(runtime)?.[1] ?? '';
const place = (runtime: string): string => runtime.replace(/ \[.*\]$/, '');

/**
 * The baseline a contender is compared with: the fastest onnxruntime-node
 * variant for the same model at the same thread count. Comparing with the
 * native run of the same variant would flatter a variant that slows native
 * down more than wasm (e.g. "noopt" switches off native's NCHWc kernels).
 */
function nativeFor(r: ContenderResult, all: readonly ContenderResult[], nativeName: string): ContenderResult | undefined {
  const c = r.contender;
  const natives = all.filter(
    (n) => place(n.contender.runtime) === nativeName && n.contender.model === c.model && n.contender.threads === c.threads,
  );
  return natives.reduce<ContenderResult | undefined>((best, n) => (!best || n.run.median < best.run.median ? n : best), undefined);
}

/** The shipped files on onnxruntime-node at the same thread count: the baseline the app is compared with. */
function shippedNativeFor(r: ContenderResult, all: readonly ContenderResult[], nativeName: string): ContenderResult | undefined {
  const c = r.contender;
  return all.find((n) => n.contender.runtime === `${nativeName} [shipped]` && n.contender.model === c.model && n.contender.threads === c.threads);
}

/** TF.js in the same place (Chromium or Node) at the same thread count, for "x faster than TF.js". */
function tfjsFor(r: ContenderResult, all: readonly ContenderResult[]): ContenderResult | undefined {
  const c = r.contender;
  const where = place(c.runtime).split(' ').pop();
  return all.find((t) => t.contender.runtime === `tfjs-wasm ${where}` && t.contender.model === c.model && t.contender.threads === c.threads);
}

/**
 * Markdown table, one row per contender: median and min of the timed runs,
 * session creation, the ratio to the fastest onnxruntime-node variant at the
 * same thread count (lower is better, 1.0 = native speed), the ratio to the shipped files on
 * onnxruntime-node (when measured), and the speed-up over TF.js wasm in
 * the same place (higher is better).
 */
export function formatResults(results: readonly ContenderResult[], nativeName: string): string {
  const lines = [
    '| model | runtime [variant] | threads | median ms | min ms | create ms | x best native | x shipped native | x faster than TF.js |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  const sorted = [...results].sort(
    (a, b) =>
      a.contender.model.localeCompare(b.contender.model) ||
      a.contender.runtime.localeCompare(b.contender.runtime) ||
      a.contender.threads - b.contender.threads,
  );
  for (const r of sorted) {
    const native = nativeFor(r, results, nativeName);
    const tfjs = r.contender.runtime.startsWith('tfjs') ? undefined : tfjsFor(r, results);
    const shipped = shippedNativeFor(r, results, nativeName);
    const ratio = (base: ContenderResult | undefined): string => (base ? `${(r.run.median / base.run.median).toFixed(2)}x` : '-');
    const c = r.contender;
    lines.push(
      `| ${c.model} | ${c.runtime} | ${c.threads} | ${f1(r.run.median)} | ${f1(r.run.min)} | ${Math.round(c.createMs)} | ` +
        `${ratio(native)} | ${ratio(shipped)} | ${tfjs ? `${(tfjs.run.median / r.run.median).toFixed(2)}x` : '-'} |`,
    );
  }
  return lines.join('\n');
}

/** One line per Chromium row against the issue's targets (<= 1.5x native, >= 3x faster than TF.js). */
export function formatTargets(results: readonly ContenderResult[], nativeName: string, browserName: string): string {
  const out: string[] = [];
  for (const r of results.filter((x) => place(x.contender.runtime) === browserName)) {
    const native = nativeFor(r, results, nativeName);
    const tfjs = tfjsFor(r, results);
    const ratio = native ? r.run.median / native.run.median : NaN;
    const speedup = tfjs ? tfjs.run.median / r.run.median : NaN;
    out.push(
      `${r.contender.model} ${r.contender.threads}t [${variantOf(r.contender.runtime)}]: ${ratio.toFixed(2)}x best native (target <= 1.5: ${ratio <= 1.5 ? 'met' : 'not met'})` +
        (tfjs ? `, ${speedup.toFixed(2)}x faster than TF.js (target >= 3: ${speedup >= 3 ? 'met' : 'not met'})` : ''),
    );
  }
  return out.join('\n');
}
