import { benchCases } from './bench-inputs.ts';
import { CHROMIUM, openChromium } from './chromium-contenders.ts';
import { measureInterleaved } from './contender.ts';
import { stats, type TimingStats } from './median-timing.ts';
import { modelVariants } from './model-variants.ts';
import { NATIVE, nodeContenders } from './node-contenders.ts';

export interface OrtWebVsNative {
  readonly threads: number;
  readonly web: TimingStats;
  readonly native: TimingStats;
  /** Median of the paired per-round ratios web / native. */
  readonly ratio: number;
}

/**
 * The same model (the shipped CenterNet at 512, chelsea letterboxed) on onnxruntime-web wasm in
 * Chromium and on onnxruntime-node, at the same thread count, in interleaved rounds (ml.bench.ts
 * has the full table). The ratio is the median of the rounds' own ratios, so a burst of load
 * from another process moves both sides of a round alike.
 */
export async function ortWebVsNative(threads: number, runs = 12): Promise<OrtWebVsNative> {
  const { centernet } = await benchCases();
  const variants = await modelVariants(centernet, ['shipped']);
  const node = await nodeContenders([{ bench: centernet, variants }], [threads]);
  const browser = await openChromium({ threads: [threads], ort: variants.map((variant) => ({ bench: centernet, variant })) });
  try {
    if (browser.notes.length > 0) throw new Error(`ort-web vs native: ${browser.notes.join('; ')}`);
    const native = node.contenders.find((c) => c.runtime.startsWith(NATIVE))!;
    const web = browser.contenders.find((c) => c.runtime.startsWith(CHROMIUM))!;
    const pairs: [number, number][] = [];
    const rounds = { warmup: 3, runs };
    // measureInterleaved keeps only the stats; the paired ratio needs each round's pair.
    const paired = { ...web, runOnce: async () => { const w = await web.runOnce(); const n = await native.runOnce(); pairs.push([w, n]); return w; } };
    await measureInterleaved([paired], rounds);
    const timed = pairs.slice(rounds.warmup);
    return {
      threads,
      web: stats(timed.map(([w]) => w)),
      native: stats(timed.map(([, n]) => n)),
      ratio: stats(timed.map(([w, n]) => w / n)).median,
    };
  } finally {
    await browser.close();
    await node.release();
  }
}
