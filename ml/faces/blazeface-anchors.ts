/**
 * Anchor centres of MediaPipe's BlazeFace (back-camera model, 256 px input):
 * a 16x16 grid with 2 anchors per cell (stride 16), then an 8x8 grid with 6
 * (stride 32) = 896 anchors, in the order the model's rows come out.
 * Same layout as @vladmandic/human's generateAnchors (src/face/facemeshutil.ts).
 */
export function blazefaceAnchors(inputSize: number, strides: readonly number[], perCell: readonly number[]): Float32Array {
  const out: number[] = [];
  strides.forEach((stride, i) => {
    const cells = Math.ceil(inputSize / stride);
    const n = perCell[i] ?? 1;
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let k = 0; k < n; k++) out.push(stride * (gx + 0.5), stride * (gy + 0.5));
      }
    }
  });
  return Float32Array.from(out);
}
