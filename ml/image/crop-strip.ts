import { warpQuadInto, type Quad } from './crop-quad.ts';
import { createRgbaImage, type RgbaImage } from './rgba-image.ts';

/**
 * Straighten a curved band (a text line on a bent page) given as a chain of
 * quads, each sharing its right edge with the next one's left edge: every
 * quad is warped to the common height and laid left to right, so the band
 * comes out as one flat strip.
 *
 * Note: one quad per line (cropQuad) cannot follow a curve; its box also takes
 * in half of the lines above and below, and the recognizer then reads garbage.
 */
export function cropStrip(src: RgbaImage, quads: readonly Quad[]): RgbaImage {
  if (quads.length === 0) throw new RangeError('cropStrip needs at least one quad');
  const edge = (a: Quad[number], b: Quad[number]): number => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const height = Math.max(1, Math.round(Math.max(...quads.map((q) => Math.max(edge(q[0], q[3]), edge(q[1], q[2]))))));
  // Exact fractional widths, rounded cumulatively so no pixel is gained or lost.
  const ends: number[] = [];
  let acc = 0;
  for (const q of quads) {
    acc += (edge(q[0], q[1]) + edge(q[3], q[2])) / 2;
    ends.push(Math.round(acc));
  }
  const out = createRgbaImage(Math.max(1, ends[ends.length - 1]!), height);
  let x = 0;
  quads.forEach((q, k) => {
    const w = ends[k]! - x;
    if (w > 0) warpQuadInto(src, q, out, x, w);
    x = ends[k]!;
  });
  return out;
}
