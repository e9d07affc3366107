import type { Box } from './detection.ts';

export function boxArea(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

export function intersectionOverUnion(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

/**
 * Greedy class-agnostic NMS: keeps the best-scoring box, drops every other
 * box overlapping it by more than `iouThreshold`, repeats, stops at
 * `maxResults`. Class-agnostic on purpose: CenterNet often puts "cat" and
 * "dog" on the same animal, and a person should see one chip, not both.
 */
export function nonMaxSuppression<T extends { readonly score: number; readonly box: Box }>(
  candidates: readonly T[],
  iouThreshold: number,
  maxResults: number,
): T[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const c of sorted) {
    if (kept.length >= maxResults) break;
    if (kept.every((k) => intersectionOverUnion(k.box, c.box) <= iouThreshold)) kept.push(c);
  }
  return kept;
}
