import { createRgbaImage, type RgbaImage } from './rgba-image.ts';

export type Point = [number, number];
/** Corners clockwise from top-left: tl, tr, br, bl (image pixel coordinates). */
export type Quad = [Point, Point, Point, Point];

/**
 * Cut a (possibly rotated or skewed) quadrilateral out of an image and warp it
 * into an upright rectangle, like PaddleOCR's get_rotate_crop_image
 * (cv2.getPerspectiveTransform + warpPerspective with replicated borders).
 *
 * The output is as wide as the longer of the top/bottom edges and as tall as
 * the longer of the left/right edges, so text keeps its size. Coordinates are
 * continuous (pixel edges), so the quad [[0,0],[w,0],[w,h],[0,h]] reproduces
 * the image exactly.
 */
export function cropQuad(src: RgbaImage, quad: Quad): RgbaImage {
  const [p0, p1, p2, p3] = quad;
  const width = Math.max(1, Math.round(Math.max(dist(p0, p1), dist(p3, p2))));
  const height = Math.max(1, Math.round(Math.max(dist(p0, p3), dist(p1, p2))));
  const out = createRgbaImage(width, height);
  warpQuadInto(src, quad, out, 0, width);
  return out;
}

/**
 * Warp `quad` of `src` into columns [x0, x0 + width) of `dst` (full height).
 * cropStrip uses this to lay several quads of a curved line side by side.
 */
export function warpQuadInto(src: RgbaImage, quad: Quad, dst: RgbaImage, x0: number, width: number): void {
  const map = unitSquareToQuad(quad);
  const height = dst.height;
  const pt: Point = [0, 0];
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      map((i + 0.5) / width, (j + 0.5) / height, pt);
      sampleBilinear(src, pt[0] - 0.5, pt[1] - 0.5, dst.data, (j * dst.width + x0 + i) * 4);
    }
  }
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/**
 * The projective map taking (0,0),(1,0),(1,1),(0,1) to the quad's corners, in
 * closed form (Heckbert 1989, "Fundamentals of Texture Mapping", sec. 2.2.3),
 * which avoids solving an 8x8 system per text line.
 */
function unitSquareToQuad(q: Quad): (u: number, v: number, out: Point) => void {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  let g = 0;
  let h = 0;
  if (Math.abs(sx) > 1e-9 || Math.abs(sy) > 1e-9) {
    const dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
    const den = dx1 * dy2 - dx2 * dy1;
    if (Math.abs(den) > 1e-12) {
      g = (sx * dy2 - dx2 * sy) / den;
      h = (dx1 * sy - sx * dy1) / den;
    }
  }
  const a = x1 - x0 + g * x1, b = x3 - x0 + h * x3;
  const d = y1 - y0 + g * y1, e = y3 - y0 + h * y3;
  return (u, v, out) => {
    const w = g * u + h * v + 1;
    out[0] = (a * u + b * v + x0) / w;
    out[1] = (d * u + e * v + y0) / w;
  };
}

/** Bilinear sample at pixel-centre coordinates, clamping to the border. */
function sampleBilinear(src: RgbaImage, x: number, y: number, dst: Uint8ClampedArray, at: number): void {
  const cx = Math.min(Math.max(x, 0), src.width - 1);
  const cy = Math.min(Math.max(y, 0), src.height - 1);
  const x0 = Math.floor(cx), y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, src.width - 1), y1 = Math.min(y0 + 1, src.height - 1);
  const fx = cx - x0, fy = cy - y0;
  const d = src.data;
  const i00 = (y0 * src.width + x0) * 4, i10 = (y0 * src.width + x1) * 4;
  const i01 = (y1 * src.width + x0) * 4, i11 = (y1 * src.width + x1) * 4;
  for (let c = 0; c < 4; c++) {
    const top = d[i00 + c]! * (1 - fx) + d[i10 + c]! * fx;
    const bottom = d[i01 + c]! * (1 - fx) + d[i11 + c]! * fx;
    dst[at + c] = top * (1 - fy) + bottom * fy;
  }
}
