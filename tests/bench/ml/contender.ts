import { stats, type TimingPlan, type TimingStats } from './median-timing.ts';

/**
 * One runtime + model + thread count, ready to run. `runOnce` returns the
 * milliseconds of one inference as measured closest to the runtime (inside the
 * page for Chromium, so page.evaluate's round trip is not counted).
 */
export interface Contender {
  readonly runtime: string;
  readonly model: string;
  readonly threads: number;
  /** Session creation (or model load), ms. */
  readonly createMs: number;
  runOnce(): Promise<number>;
}

export interface ContenderResult {
  readonly contender: Contender;
  readonly run: TimingStats;
}

/**
 * Times all contenders in interleaved rounds (A B C, A B C, ...), not one
 * after another: on a shared 2-core machine the background load drifts over
 * seconds, and interleaving lets every contender see the same drift, so the
 * ratios stay meaningful even when the absolute numbers move.
 */
export async function measureInterleaved(
  contenders: readonly Contender[],
  plan: TimingPlan,
  onRound?: (round: number) => void,
): Promise<ContenderResult[]> {
  for (let i = 0; i < plan.warmup; i++) for (const c of contenders) await c.runOnce();
  const samples = contenders.map((): number[] => []);
  for (let round = 0; round < plan.runs; round++) {
    for (const [i, c] of contenders.entries()) samples[i]!.push(await c.runOnce());
    onRound?.(round);
  }
  return contenders.map((contender, i) => ({ contender, run: stats(samples[i]!) }));
}
