import { convexHull, type Point } from './geometry.ts';

/** A rectangle of any rotation: centre, side lengths and the direction of `width`. */
export type RotatedRect = {
  center: Point;
  width: number;
  height: number;
  /** Radians; `width` runs along (cos, sin). */
  angle: number;
};

/**
 * The smallest-area rectangle enclosing the points (cv2.minAreaRect without
 * OpenCV). Rotating calipers: an optimal rectangle has a side collinear with
 * an edge of the convex hull, so trying each hull edge finds it; hulls of text
 * blobs have tens of edges, so the O(n^2) form is plenty.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  if (points.length === 0) throw new RangeError('minAreaRect of no points');
  const hull = convexHull(points);
  if (hull.length === 1) return { center: [hull[0]![0], hull[0]![1]], width: 0, height: 0, angle: 0 };
  let best: RotatedRect | null = null;
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const p = hull[i]!;
    const q = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
    if (len === 0) continue;
    const ux = (q[0] - p[0]) / len;
    const uy = (q[1] - p[1]) / len;
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
    for (const h of hull) {
      const u = h[0] * ux + h[1] * uy;
      const v = -h[0] * uy + h[1] * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea - 1e-9) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = {
        center: [cu * ux - cv * uy, cu * uy + cv * ux],
        width: maxU - minU,
        height: maxV - minV,
        angle: Math.atan2(uy, ux),
      };
    }
  }
  return best!;
}

/** The rectangle's four corners (unordered; see orderQuad). */
export function rectCorners(r: RotatedRect): [Point, Point, Point, Point] {
  const ux = Math.cos(r.angle), uy = Math.sin(r.angle);
  const hw = r.width / 2, hh = r.height / 2;
  const at = (su: number, sv: number): Point => [
    r.center[0] + su * hw * ux - sv * hh * uy,
    r.center[1] + su * hw * uy + sv * hh * ux,
  ];
  return [at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)];
}
