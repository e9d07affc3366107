import { connectedComponents } from './connected-components.ts';
import { fitCurvedStrip } from './curved-strip.ts';
import { orderQuad, type Point, type Quad } from './geometry.ts';
import { minAreaRect, rectCorners } from './min-area-rect.ts';
import { sortBoxes } from './sort-boxes.ts';
import { unclipRect } from './unclip.ts';

export type DbOptions = {
  /** Pixels with probability above this are text (PaddleOCR det_db_thresh). */
  threshold: number;
  /** Keep a box when the mean probability inside it is at least this (det_db_box_thresh). */
  boxThreshold: number;
  unclipRatio: number;
  /** Drop boxes whose short side is under this many map pixels. */
  minSize: number;
  maxCandidates: number;
};

export const DB_DEFAULTS: DbOptions = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000 };

export type DetectedBox = {
  /** The line's (unclipped) minimum-area rectangle, tl/tr/br/bl. */
  box: Quad;
  score: number;
  /** For a bent line: the chain of quads to crop with cropStrip instead of box. */
  strip?: Quad[];
};

/**
 * Turn the DB probability map ([mapHeight, mapWidth]) into text boxes in
 * original-image pixels, in reading order. Mirrors PaddleOCR's
 * DBPostProcess (box_type 'quad', score_mode 'fast') without OpenCV.
 */
export function dbPostprocess(
  prob: Float32Array,
  mapWidth: number,
  mapHeight: number,
  imageWidth: number,
  imageHeight: number,
  options: Partial<DbOptions> = {},
): DetectedBox[] {
  const o = { ...DB_DEFAULTS, ...options };
  const mask = new Uint8Array(mapWidth * mapHeight);
  for (let i = 0; i < mask.length; i++) mask[i] = prob[i]! > o.threshold ? 1 : 0;
  const sx = imageWidth / mapWidth;
  const sy = imageHeight / mapHeight;
  const found: DetectedBox[] = [];
  for (const comp of connectedComponents(mask, mapWidth, mapHeight).slice(0, o.maxCandidates)) {
    const rect = minAreaRect(comp.rowExtremes);
    if (Math.min(rect.width, rect.height) < o.minSize) continue;
    const curved = fitCurvedStrip(comp.pixels, mapWidth, rect, o.unclipRatio);
    // A bent line's rectangle is mostly background, so score it by its own
    // pixels (PaddleOCR's score_mode 'slow' idea) instead of the rectangle.
    const score = curved ? meanAt(prob, comp.pixels) : meanInside(prob, mapWidth, mapHeight, rectCorners(rect));
    if (score < o.boxThreshold) continue;
    const grown = unclipRect(rect, o.unclipRatio);
    if (Math.min(grown.width, grown.height) < o.minSize + 2) continue;
    const corners = rectCorners(grown).map(([x, y]): Point => [
      clamp(x * sx, 0, imageWidth),
      clamp(y * sy, 0, imageHeight),
    ]);
    const box: DetectedBox = { box: orderQuad(corners), score };
    if (curved) box.strip = curved.quads.map((q) => q.map(([x, y]) => [x * sx, y * sy]) as Quad);
    found.push(box);
  }
  return sortBoxes(found);
}

function meanAt(prob: Float32Array, pixels: Int32Array): number {
  let sum = 0;
  for (const i of pixels) sum += prob[i]!;
  return pixels.length > 0 ? sum / pixels.length : 0;
}

/** Mean probability over the map pixels whose centres lie in the convex quad. */
function meanInside(prob: Float32Array, w: number, h: number, quad: readonly Point[]): number {
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const x0 = clamp(Math.floor(Math.min(...xs)), 0, w - 1), x1 = clamp(Math.ceil(Math.max(...xs)), 0, w - 1);
  const y0 = clamp(Math.floor(Math.min(...ys)), 0, h - 1), y1 = clamp(Math.ceil(Math.max(...ys)), 0, h - 1);
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!insideConvex(quad, x, y)) continue;
      sum += prob[y * w + x]!;
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

/** Point-in-convex-polygon by edge signs; points on an edge count as inside. */
function insideConvex(poly: readonly Point[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < poly.length; i++) {
    const [ax, ay] = poly[i]!;
    const [bx, by] = poly[(i + 1) % poly.length]!;
    const c = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (Math.abs(c) < 1e-6) continue;
    if (sign === 0) sign = Math.sign(c);
    else if (Math.sign(c) !== sign) return false;
  }
  return true;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
