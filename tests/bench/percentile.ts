/**
 * The `p`th percentile of ascending `sorted` samples: the sample at floor(p% of the count),
 * the last one for p = 100. `ifEmpty` when there is none (a bench that printed 0 for "no
 * samples" keeps doing so).
 */
export function percentile(sorted: readonly number[], p: number, ifEmpty = Number.NaN): number {
  if (sorted.length === 0) return ifEmpty;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
