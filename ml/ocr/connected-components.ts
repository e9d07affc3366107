import type { Point } from './geometry.ts';

export type Component = {
  pixelCount: number;
  /** Indices (y * width + x) of every pixel, for the curved-line fit. */
  pixels: Int32Array;
  /**
   * The leftmost and rightmost pixel centre of each row: every convex-hull
   * vertex of the component is among them, so this is all minAreaRect needs
   * (a long text line has thousands of pixels but only ~2 per row here).
   */
  rowExtremes: Point[];
};

/**
 * 8-connected components of a binary mask (non-zero = foreground), in the
 * order their first pixel appears in raster order. Iterative flood fill with
 * an explicit stack: recursion would overflow on a page-sized blob.
 */
export function connectedComponents(mask: Uint8Array, width: number, height: number): Component[] {
  const seen = new Uint8Array(width * height);
  const rowMin = new Int32Array(height);
  const rowMax = new Int32Array(height);
  const stack: number[] = [];
  const out: Component[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    seen[start] = 1;
    stack.push(start);
    let count = 0;
    const pixels: number[] = [];
    // The first pixel in raster order is on the component's top row.
    const minY = Math.floor(start / width);
    let maxY = minY - 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      count++;
      pixels.push(i);
      if (y > maxY) {
        for (let r = maxY + 1; r <= y; r++) {
          rowMin[r] = width;
          rowMax[r] = -1;
        }
        maxY = y;
      }
      if (x < rowMin[y]!) rowMin[y] = x;
      if (x > rowMax[y]!) rowMax[y] = x;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (mask[j] && !seen[j]) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    const rowExtremes: Point[] = [];
    for (let r = minY; r <= maxY; r++) {
      if (rowMax[r]! < 0) continue;
      rowExtremes.push([rowMin[r]!, r]);
      if (rowMax[r] !== rowMin[r]) rowExtremes.push([rowMax[r]!, r]);
    }
    out.push({ pixelCount: count, pixels: Int32Array.from(pixels), rowExtremes });
  }
  return out;
}
