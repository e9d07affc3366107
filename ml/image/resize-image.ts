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
  const xTaps = taps(src.width, width);
  const yTaps = taps(src.height, height);
  // Separable: horizontal pass into floats, then vertical pass into bytes.
  const mid = new Float32Array(width * src.height * 4);
  for (let y = 0; y < src.height; y++) {
    const rowIn = y * src.width * 4;
    const rowOut = y * width * 4;
    for (let x = 0; x < width; x++) {
      const t = xTaps[x]!;
      for (let c = 0; c < 4; c++) {
        let acc = 0;
        for (let k = 0; k < t.index.length; k++) acc += src.data[rowIn + t.index[k]! * 4 + c]! * t.weight[k]!;
        mid[rowOut + x * 4 + c] = acc;
      }
    }
  }
  const out = createRgbaImage(width, height);
  const stride = width * 4;
  for (let y = 0; y < height; y++) {
    const t = yTaps[y]!;
    for (let i = 0; i < stride; i++) {
      let acc = 0;
      for (let k = 0; k < t.index.length; k++) acc += mid[t.index[k]! * stride + i]! * t.weight[k]!;
      out.data[y * stride + i] = acc; // Uint8ClampedArray rounds and clamps.
    }
  }
  return out;
}

type Taps = { index: number[]; weight: number[] };

/** For each output position, which source positions contribute and how much. */
function taps(srcLen: number, dstLen: number): Taps[] {
  const scale = srcLen / dstLen;
  const out: Taps[] = [];
  for (let i = 0; i < dstLen; i++) {
    if (scale >= 2) {
      // Area: the output pixel covers [i*scale, (i+1)*scale) of the source.
      const start = i * scale;
      const end = start + scale;
      const t: Taps = { index: [], weight: [] };
      for (let s = Math.floor(start); s < Math.min(Math.ceil(end), srcLen); s++) {
        const overlap = Math.min(end, s + 1) - Math.max(start, s);
        if (overlap > 0) {
          t.index.push(s);
          t.weight.push(overlap / scale);
        }
      }
      out.push(t);
    } else {
      const centre = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), srcLen - 1);
      const i0 = Math.floor(centre);
      const i1 = Math.min(i0 + 1, srcLen - 1);
      const f = centre - i0;
      out.push({ index: [i0, i1], weight: [1 - f, f] });
    }
  }
  return out;
}
