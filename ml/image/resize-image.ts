import { createRgbaImage, type RgbaImage } from './rgba-image.ts';

/**
 * Resize to exactly width x height.
 *
 * Bilinear (half-pixel centres, like cv2.INTER_LINEAR, which the PaddleOCR
 * reference pre-processing uses) when enlarging or shrinking a little; area
 * averaging when an axis shrinks by 2x or more, because bilinear then skips
 * source pixels and aliases thin strokes of text into noise.
 */
export function resizeImage(src: RgbaImage, width: number, height: number): RgbaImage {
  if (width === src.width && height === src.height) {
    return { width, height, data: new Uint8ClampedArray(src.data) };
  }
  const xt = taps(src.width, width);
  const yt = taps(src.height, height);
  // Separable: horizontal pass into floats, then vertical pass into bytes.
  const mid = new Float32Array(width * src.height * 4);
  const s = src.data;
  for (let y = 0; y < src.height; y++) {
    const rowIn = y * src.width * 4;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = xt.start[x]!, end = xt.start[x + 1]!; k < end; k++) {
        const i = rowIn + xt.index[k]! * 4;
        const w = xt.weight[k]!;
        r += s[i]! * w;
        g += s[i + 1]! * w;
        b += s[i + 2]! * w;
        a += s[i + 3]! * w;
      }
      mid[o] = r;
      mid[o + 1] = g;
      mid[o + 2] = b;
      mid[o + 3] = a;
    }
  }
  const out = createRgbaImage(width, height);
  const stride = width * 4;
  const acc = new Float32Array(stride);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    for (let k = yt.start[y]!, end = yt.start[y + 1]!; k < end; k++) {
      const row = yt.index[k]! * stride;
      const w = yt.weight[k]!;
      for (let i = 0; i < stride; i++) acc[i] += mid[row + i]! * w;
    }
    out.data.set(acc, y * stride); // Uint8ClampedArray rounds and clamps.
  }
  return out;
}

/**
 * For each output position, which source positions contribute and how much,
 * as flat typed arrays (taps of output i are start[i] .. start[i+1]-1); the
 * inner loops run per pixel, so they should not chase objects.
 */
function taps(srcLen: number, dstLen: number): { start: Int32Array; index: Int32Array; weight: Float32Array } {
  const scale = srcLen / dstLen;
  const index: number[] = [];
  const weight: number[] = [];
  const start = new Int32Array(dstLen + 1);
  for (let i = 0; i < dstLen; i++) {
    start[i] = index.length;
    if (scale >= 2) {
      // Area: the output pixel covers [i*scale, (i+1)*scale) of the source.
      const from = i * scale;
      const to = from + scale;
      for (let s = Math.floor(from); s < Math.min(Math.ceil(to), srcLen); s++) {
        const overlap = Math.min(to, s + 1) - Math.max(from, s);
        if (overlap > 0) {
          index.push(s);
          weight.push(overlap / scale);
        }
      }
    } else {
      const centre = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), srcLen - 1);
      const i0 = Math.floor(centre);
      const f = centre - i0;
      index.push(i0, Math.min(i0 + 1, srcLen - 1));
      weight.push(1 - f, f);
    }
  }
  start[dstLen] = index.length;
  return { start, index: Int32Array.from(index), weight: Float32Array.from(weight) };
}
