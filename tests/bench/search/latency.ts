import { performance } from 'node:perf_hooks';
import { percentile } from '../percentile.ts';

export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export function summarize(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? NaN };
}

/**
 * Runs `fn` on every input once after a warm-up pass over the first few (JIT), and
 * returns each input's time in ms, in input order.
 */
export function timeEach<T>(inputs: readonly T[], fn: (input: T) => unknown, warmup = 20): number[] {
  for (const input of inputs.slice(0, warmup)) fn(input);
  return inputs.map((input) => {
    const start = performance.now();
    fn(input);
    return performance.now() - start;
  });
}

/** Wall time of one call, in ms. */
export function timeOnce(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}
