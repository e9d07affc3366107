/** An RGBA image as canvas ImageData and most decoders give it. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray | Uint8Array;
}

/** How a letterboxed input relates to the original image. */
export interface Letterbox {
  /** size x size x 3 RGB floats 0..255, NHWC. */
  readonly data: Float32Array;
  readonly size: number;
  /** Input pixels per original pixel. */
  readonly scale: number;
  /** Padding on the left and top, in input pixels. */
  readonly padX: number;
  readonly padY: number;
}

/**
 * Scales an image to fit a size x size square keeping its aspect ratio and
 * pads the rest with `padValue`, centred. Stretching instead changes the
 * detector's answers (ARCHITECTURE §5: a stretched cat became a dog).
 *
 * Note: plain bilinear sampling with half-pixel centres. Photos far larger
 * than the input should be downscaled by the decoder first (createImageBitmap
 * with resizeWidth, or sharp), which filters properly; this keeps the ML code
 * free of a resampling library.
 */
export function letterbox(image: RgbaImage, size: number, padValue = 0): Letterbox {
  const { width: w, height: h, data: src } = image;
  if (w <= 0 || h <= 0 || src.length < w * h * 4) throw new Error(`letterbox: bad image ${w}x${h}`);
  const scale = Math.min(size / w, size / h);
  const nw = Math.max(1, Math.round(w * scale));
  const nh = Math.max(1, Math.round(h * scale));
  const padX = Math.floor((size - nw) / 2);
  const padY = Math.floor((size - nh) / 2);
  const out = new Float32Array(size * size * 3).fill(padValue);
  const sx = w / nw;
  const sy = h / nh;
  for (let y = 0; y < nh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = fy - y0;
    for (let x = 0; x < nw; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const wx = fx - x0;
      const o = ((y + padY) * size + (x + padX)) * 3;
      for (let c = 0; c < 3; c++) {
        const a = (src[(y0 * w + x0) * 4 + c] as number) * (1 - wx) + (src[(y0 * w + x1) * 4 + c] as number) * wx;
        const b = (src[(y1 * w + x0) * 4 + c] as number) * (1 - wx) + (src[(y1 * w + x1) * 4 + c] as number) * wx;
        out[o + c] = a * (1 - wy) + b * wy;
      }
    }
  }
  return { data: out, size, scale: nw / w, padX, padY };
}

/** Maps a box in letterboxed input pixels back to original image pixels, clamped. */
export function unletterboxBox(
  box: readonly [number, number, number, number],
  lb: Pick<Letterbox, 'scale' | 'padX' | 'padY'>,
  width: number,
  height: number,
): [number, number, number, number] {
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return [
    clamp((box[0] - lb.padX) / lb.scale, width),
    clamp((box[1] - lb.padY) / lb.scale, height),
    clamp((box[2] - lb.padX) / lb.scale, width),
    clamp((box[3] - lb.padY) / lb.scale, height),
  ];
}
