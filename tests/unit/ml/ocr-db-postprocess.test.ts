import { describe, expect, it } from 'vitest';
import { dbPostprocess } from '../../../ml/ocr/db-postprocess.ts';
import { polygonArea } from '../../../ml/ocr/geometry.ts';
import { sortBoxes } from '../../../ml/ocr/sort-boxes.ts';
import { unclipDistance } from '../../../ml/ocr/unclip.ts';

const W = 200;
const H = 100;

/** Paint a rotated rectangle (pixel centres inside) with a probability. */
function paint(map: Float32Array, cx: number, cy: number, w: number, h: number, angle: number, p: number): void {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const u = (x - cx) * c + (y - cy) * s;
      const v = -(x - cx) * s + (y - cy) * c;
      if (Math.abs(u) <= w / 2 && Math.abs(v) <= h / 2) map[y * W + x] = p;
    }
  }
}

describe('dbPostprocess', () => {
  it('finds text kernels, unclips them, scales to the image and drops weak or tiny blobs', () => {
    const map = new Float32Array(W * H);
    paint(map, 120, 70, 100, 10, 0.05, 0.95); // lower line, slightly tilted
    paint(map, 60, 25, 80, 10, 0, 0.9); // upper line
    paint(map, 170, 20, 20, 10, 0, 0.45); // above threshold 0.3, but box score < 0.6
    paint(map, 10, 90, 1, 1, 0, 0.99); // too small
    const boxes = dbPostprocess(map, W, H, 400, 200);
    expect(boxes).toHaveLength(2);
    const [upper, lower] = boxes;
    // Reading order: the upper line first.
    expect(upper!.box[0][1]).toBeLessThan(lower!.box[0][1]);
    expect(upper!.score).toBeCloseTo(0.9, 2);
    // Kernel 81x11 pixel centres span 80x10; unclip pushes each side out by
    // d = A*1.5/L, then everything doubles (image is 2x the map).
    const d = unclipDistance(80, 10);
    const [tl, tr, br, bl] = upper!.box;
    expect(tl[0]).toBeCloseTo((20 - d) * 2, 0);
    expect(tl[1]).toBeCloseTo((20 - d) * 2, 0);
    expect(tr[0]).toBeCloseTo((100 + d) * 2, 0);
    expect(br[1]).toBeCloseTo((30 + d) * 2, 0);
    expect(bl[0]).toBeCloseTo(tl[0], 6);
    // The tilted line's box is tilted the same way (right end lower).
    expect(lower!.box[1][1]).toBeGreaterThan(lower!.box[0][1] + 5);
    expect(polygonArea(lower!.box)).toBeGreaterThan(polygonArea(upper!.box));
  });

  it('clips boxes to the image and returns nothing for an empty map', () => {
    const map = new Float32Array(W * H);
    paint(map, 3, 50, 20, 30, 0, 0.9);
    const [only] = dbPostprocess(map, W, H, W, H);
    for (const [x, y] of only!.box) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
    }
    expect(dbPostprocess(new Float32Array(W * H), W, H, W, H)).toEqual([]);
  });
});

describe('dbPostprocess on a bent line', () => {
  it('returns a strip of quads that follows the bend, and none for a straight line', () => {
    // A 160-pixel band, 8 thick, whose centre sags 10 px in the middle (like a page).
    const map = new Float32Array(W * H);
    const centre = (x: number): number => 40 + 10 * Math.sin((Math.PI * (x - 20)) / 160);
    for (let x = 20; x <= 180; x++) {
      for (let y = 0; y < H; y++) if (Math.abs(y - centre(x)) <= 4) map[y * W + x] = 0.9;
    }
    paint(map, 100, 85, 160, 8, 0, 0.9); // a straight line below it
    const [bent, straight] = dbPostprocess(map, W, H, W, H);
    expect(straight!.strip).toBeUndefined();
    const strip = bent!.strip!;
    expect(strip.length).toBeGreaterThan(3);
    // Consecutive quads share an edge, and each quad's middle sits on the band.
    for (let k = 0; k + 1 < strip.length; k++) expect(strip[k]![1]).toEqual(strip[k + 1]![0]);
    for (const q of strip.slice(1, -1)) {
      const midX = (q[0][0] + q[1][0]) / 2;
      const midY = (q[0][1] + q[1][1] + q[2][1] + q[3][1]) / 4;
      expect(Math.abs(midY - centre(midX))).toBeLessThan(2);
      // Much thinner than the 18+ px rectangle around the whole bent band.
      expect(q[3][1] - q[0][1]).toBeLessThan(22);
    }
    expect(bent!.score).toBeCloseTo(0.9, 5);
  });
});

describe('sortBoxes', () => {
  it('reads left to right within a row even when the right box sits a little higher', () => {
    const box = (x: number, y: number): { box: [[number, number], [number, number], [number, number], [number, number]] } => ({
      box: [[x, y], [x + 10, y], [x + 10, y + 10], [x, y + 10]],
    });
    const sorted = sortBoxes([box(50, 40), box(60, 3), box(0, 5)]);
    expect(sorted.map((b) => b.box[0])).toEqual([[0, 5], [60, 3], [50, 40]]);
  });
});
