import type { Point, Quad } from './geometry.ts';
import type { RotatedRect } from './min-area-rect.ts';
import { unclipDistance } from './unclip.ts';

/**
 * Follow a text line that bends (a photographed book page) with a chain of
 * quads instead of one rectangle; null when the line is straight enough for
 * its minimum-area rectangle.
 *
 * Note: along the rectangle's long axis the kernel's pixels are binned; each
 * bin gives a point of the line's centre. The thickness is then measured
 * across that centre line (so the bend does not count as thickness). If the
 * centre wanders by more than a third of the thickness, the band
 * centre +- (half the thickness + the DB unclip distance) is cut into one quad
 * per bin. On page.png a line bending 8 px over 360 got a 26 px rectangle
 * that cut into its neighbours and was read as "dee"; as a strip it reads.
 */
export function fitCurvedStrip(
  pixels: Int32Array,
  mapWidth: number,
  rect: RotatedRect,
  unclipRatio: number,
): { quads: Quad[]; thickness: number } | null {
  const length = Math.max(rect.width, rect.height);
  const across = Math.min(rect.width, rect.height);
  if (length < 6 * Math.max(across, 1)) return null; // short words do not curve visibly
  // Axis along the line, pointing right so the strip reads left to right, upright.
  let angle = rect.angle + (rect.height > rect.width ? Math.PI / 2 : 0);
  if (Math.cos(angle) < 0) angle += Math.PI;
  const ax = Math.cos(angle), ay = Math.sin(angle);
  const [cx, cy] = rect.center;
  const toLine = (i: number): Point => {
    const dx = (i % mapWidth) - cx, dy = Math.floor(i / mapWidth) - cy;
    return [dx * ax + dy * ay + length / 2, -dx * ay + dy * ax];
  };
  const toMap = (u: number, v: number): Point => [cx + (u - length / 2) * ax - v * ay, cy + (u - length / 2) * ay + v * ax];

  const bin = Math.max(4, across);
  const bins = Math.max(1, Math.ceil(length / bin));
  const binOf = (u: number): number => Math.min(bins - 1, Math.max(0, Math.floor(u / bin)));
  const lo = new Float64Array(bins).fill(Infinity);
  const hi = new Float64Array(bins).fill(-Infinity);
  for (const i of pixels) {
    const [u, v] = toLine(i);
    const b = binOf(u);
    lo[b] = Math.min(lo[b]!, v);
    hi[b] = Math.max(hi[b]!, v);
  }
  const centres: Point[] = []; // (u, v) of the band's centre line
  for (let b = 0; b < bins; b++) if (lo[b] !== Infinity) centres.push([(b + 0.5) * bin, (lo[b]! + hi[b]!) / 2]);
  if (centres.length < 3) return null;
  const centreAt = (u: number): number => {
    let k = 0;
    while (k + 2 < centres.length && centres[k + 1]![0] < u) k++;
    const [u0, v0] = centres[k]!, [u1, v1] = centres[k + 1]!;
    return v0 + ((v1 - v0) * (u - u0)) / (u1 - u0);
  };

  // Second pass: extent of each bin across the (interpolated) centre line.
  lo.fill(Infinity);
  hi.fill(-Infinity);
  for (const i of pixels) {
    const [u, v] = toLine(i);
    const b = binOf(u);
    const r = v - centreAt(u);
    lo[b] = Math.min(lo[b]!, r);
    hi[b] = Math.max(hi[b]!, r);
  }
  const thick = [...hi].map((h, b) => h - lo[b]!).filter(Number.isFinite).sort((p, q) => p - q);
  // A high quantile, not the median: a bin of x-height letters ("ounce") is
  // thinner than the line. +1 turns centre-to-centre extent into rows covered.
  const thickness = thick[Math.floor(thick.length * 0.9)]! + 1;
  const vs = centres.map((c) => c[1]);
  if (Math.max(...vs) - Math.min(...vs) <= Math.max(1, thickness / 3)) return null;

  const d = unclipDistance(length, thickness, unclipRatio);
  const half = thickness / 2 + d;
  // Knots: both ends pushed out by d, then every bin centre in between.
  const knots: Point[] = [[-d, centres[0]![1]], ...centres, [length + d, centres[centres.length - 1]![1]]];
  const quads: Quad[] = [];
  for (let k = 0; k + 1 < knots.length; k++) {
    const [u0, v0] = knots[k]!;
    const [u1, v1] = knots[k + 1]!;
    quads.push([toMap(u0, v0 - half), toMap(u1, v1 - half), toMap(u1, v1 + half), toMap(u0, v0 + half)]);
  }
  return { quads, thickness };
}
