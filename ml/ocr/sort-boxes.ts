import type { Quad } from './geometry.ts';

/**
 * Reading order: top to bottom, then left to right within a row. Like
 * PaddleOCR's sorted_boxes: sort by top-left (y, x), then swap neighbours whose
 * tops are within `sameRow` pixels but out of x order, which tolerates the few
 * pixels of jitter between boxes on one line.
 */
export function sortBoxes<T extends { box: Quad }>(items: readonly T[], sameRow = 10): T[] {
  const out = [...items].sort((a, b) => a.box[0][1] - b.box[0][1] || a.box[0][0] - b.box[0][0]);
  for (let i = 0; i < out.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const a = out[j]!;
      const b = out[j + 1]!;
      if (Math.abs(b.box[0][1] - a.box[0][1]) < sameRow && b.box[0][0] < a.box[0][0]) {
        out[j] = b;
        out[j + 1] = a;
      } else {
        break;
      }
    }
  }
  return out;
}
