import { unletterboxBox, type Letterbox } from '../image/letterbox.ts';
import type { Box, Detection, DetectorModel } from './detection.ts';

/**
 * Reads CenterNet's [1, N, 6] rows (x1, y1, x2, y2 in input pixels, score,
 * 0-based class) into detections in original image pixels. Rows below
 * `minScore`, with an unknown class, NaNs, or an empty box after clamping to
 * the image are dropped.
 */
export function decodeDetections(
  rows: Float32Array,
  model: DetectorModel,
  lb: Pick<Letterbox, 'scale' | 'padX' | 'padY'>,
  image: { readonly width: number; readonly height: number },
  minScore: number,
): Detection[] {
  if (rows.length % 6 !== 0) throw new Error(`detector output has ${rows.length} values, not a multiple of 6`);
  const out: Detection[] = [];
  for (let r = 0; r < rows.length; r += 6) {
    const score = rows[r + 4] as number;
    const classIndex = rows[r + 5] as number;
    if (!(score >= minScore)) continue; // also rejects NaN
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= model.labels.length) continue;
    const inputBox: Box = [rows[r] as number, rows[r + 1] as number, rows[r + 2] as number, rows[r + 3] as number];
    const box = unletterboxBox(inputBox, lb, image.width, image.height);
    if (!(box[2] > box[0] && box[3] > box[1])) continue;
    out.push({
      label: model.labels[classIndex] as string,
      classIndex,
      score,
      box,
      modelId: model.id,
      modelVersion: model.version,
    });
  }
  return out;
}
