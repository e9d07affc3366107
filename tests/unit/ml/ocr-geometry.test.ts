import { describe, expect, it } from 'vitest';
import { connectedComponents } from '../../../ml/ocr/connected-components.ts';
import { convexHull, orderQuad, polygonArea, type Point } from '../../../ml/ocr/geometry.ts';
import { minAreaRect, rectCorners } from '../../../ml/ocr/min-area-rect.ts';
import { unclipDistance, unclipRect } from '../../../ml/ocr/unclip.ts';

/** Seeded generator (LCG) so a failing case replays; the seed is in the test name. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('convexHull', () => {
  it('drops interior and collinear points', () => {
    const hull = convexHull([[0, 0], [2, 0], [4, 0], [4, 3], [0, 3], [1, 1], [2, 2]]);
    expect(hull).toHaveLength(4);
    expect(polygonArea(hull)).toBe(12);
  });
});

describe('minAreaRect', () => {
  it('fits an axis-aligned point set exactly', () => {
    const r = minAreaRect([[1, 1], [11, 1], [11, 5], [1, 5], [6, 3]]);
    expect(r.width * r.height).toBeCloseTo(40);
    expect(r.center[0]).toBeCloseTo(6);
    expect(r.center[1]).toBeCloseTo(3);
  });

  it.each([0.05, 0.3, -0.5, 1.2])('recovers a %f rad rotated 40x8 rectangle from points inside it', (angle) => {
    const rand = lcg(Math.round(angle * 1000) + 7);
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    const at = (u: number, v: number): Point => [100 + u * c - v * s, 50 + u * s + v * c];
    const pts: Point[] = [at(-20, -4), at(20, -4), at(20, 4), at(-20, 4)];
    for (let i = 0; i < 200; i++) pts.push(at((rand() - 0.5) * 40, (rand() - 0.5) * 8));
    const r = minAreaRect(pts);
    expect(Math.max(r.width, r.height)).toBeCloseTo(40, 6);
    expect(Math.min(r.width, r.height)).toBeCloseTo(8, 6);
    // Every point is inside (or on) the rectangle.
    const ux = Math.cos(r.angle), uy = Math.sin(r.angle);
    for (const [x, y] of pts) {
      const u = (x - r.center[0]) * ux + (y - r.center[1]) * uy;
      const v = -(x - r.center[0]) * uy + (y - r.center[1]) * ux;
      expect(Math.abs(u)).toBeLessThanOrEqual(r.width / 2 + 1e-6);
      expect(Math.abs(v)).toBeLessThanOrEqual(r.height / 2 + 1e-6);
    }
  });

  it('is never larger than the axis-aligned box (seed 99, random clouds)', () => {
    const rand = lcg(99);
    for (let k = 0; k < 50; k++) {
      const pts: Point[] = Array.from({ length: 30 }, () => [rand() * 50, rand() * 20]);
      const r = minAreaRect(pts);
      const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
      const box = (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
      expect(r.width * r.height).toBeLessThanOrEqual(box + 1e-9);
    }
  });

  it('handles a single point and a segment', () => {
    expect(minAreaRect([[3, 4]])).toMatchObject({ width: 0, height: 0, center: [3, 4] });
    const seg = minAreaRect([[0, 0], [10, 0]]);
    expect(seg.height).toBe(0);
    expect(seg.width).toBeCloseTo(10);
  });
});

describe('orderQuad', () => {
  it('orders corners tl, tr, br, bl for a slightly tilted box', () => {
    const q = orderQuad([[100, 12], [0, 10], [1, 30], [99, 32]]);
    expect(q).toEqual([[0, 10], [100, 12], [99, 32], [1, 30]]);
  });
});

describe('unclip', () => {
  it('pushes every side out by area * ratio / perimeter', () => {
    expect(unclipDistance(100, 20, 1.5)).toBeCloseTo((2000 * 1.5) / 240);
    const grown = unclipRect({ center: [50, 10], width: 100, height: 20, angle: 0.1 }, 1.5);
    expect(grown.width).toBeCloseTo(125);
    expect(grown.height).toBeCloseTo(45);
    expect(grown.angle).toBe(0.1);
    expect(grown.center).toEqual([50, 10]);
  });

  it('leaves a degenerate rectangle alone', () => {
    expect(unclipDistance(0, 0)).toBe(0);
  });

  it('keeps the corners of a rotated rectangle consistent', () => {
    const r = unclipRect({ center: [0, 0], width: 10, height: 2, angle: Math.PI / 4 });
    expect(polygonArea(rectCorners(r))).toBeCloseTo(r.width * r.height);
  });
});

describe('connectedComponents', () => {
  it('separates blobs, joins diagonal neighbours (8-connected) and keeps row extremes', () => {
    const mask = Uint8Array.from([
      1, 1, 0, 0, 0,
      0, 1, 0, 0, 1,
      0, 0, 1, 0, 1,
      0, 0, 0, 0, 1,
    ]);
    const comps = connectedComponents(mask, 5, 4);
    expect(comps.map((c) => c.pixelCount)).toEqual([4, 3]);
    expect(comps[0]!.rowExtremes).toEqual([[0, 0], [1, 0], [1, 1], [2, 2]]);
    expect(comps[1]!.rowExtremes).toEqual([[4, 1], [4, 2], [4, 3]]);
  });
});
