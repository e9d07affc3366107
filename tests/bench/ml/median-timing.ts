/** Timings of one configuration, in milliseconds. */
export interface TimingStats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export interface TimingPlan {
  /** Untimed runs first: the first runs allocate arenas and JIT-compile. */
  readonly warmup: number;
  readonly runs: number;
}

/** At least 10 timed runs after warm-up, as the issue asks; medians resist GC and scheduler noise. */
export const DEFAULT_PLAN: TimingPlan = { warmup: 3, runs: 12 };

export function stats(samples: readonly number[]): TimingStats {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/**
 * Runs `once` warmup + runs times, one after another, and returns the stats of
 * the timed runs. `once` must do the whole inference including making its
 * input tensor: in proxy mode onnxruntime-web detaches input buffers.
 */
export async function timeRuns(once: () => Promise<unknown>, plan: TimingPlan = DEFAULT_PLAN): Promise<TimingStats> {
  for (let i = 0; i < plan.warmup; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < plan.runs; i++) {
    const t0 = performance.now();
    await once();
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}
