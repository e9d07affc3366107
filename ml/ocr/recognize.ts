import { resizeImage } from '../image/resize-image.ts';
import type { RgbaImage } from '../image/rgba-image.ts';
import { ctcGreedyDecode, type CtcChar } from './ctc-decode.ts';
import { runFloat32, type Float32TensorCtor, type OrtSession } from './ocr-runtime.ts';
import { HALF_NORM, writeChwBgr } from './to-chw-tensor.ts';

const REC_H = 48;
/** PP-OCRv4's rec_image_shape is 3x48x320: narrower batches are padded to 320. */
const REC_MIN_W = 320;

export type RecOptions = { batchSize: number };

/**
 * Read each text-line crop with the CTC recognizer. Crops are resized to
 * height 48 keeping their aspect, sorted by width and batched so that each
 * batch pads to its widest member; padding is cheap when widths are similar,
 * and one crop per run would pay the per-run overhead N times.
 */
export async function recognizeCrops(
  crops: readonly RgbaImage[],
  session: OrtSession,
  Tensor: Float32TensorCtor,
  keys: readonly string[],
  options: RecOptions = { batchSize: 6 },
): Promise<CtcChar[][]> {
  const widths = crops.map((c) => Math.max(1, Math.ceil((REC_H * c.width) / c.height)));
  const order = crops.map((_, i) => i).sort((a, b) => widths[a]! - widths[b]!);
  const results: CtcChar[][] = new Array<CtcChar[]>(crops.length);
  for (let start = 0; start < order.length; start += options.batchSize) {
    const batch = order.slice(start, start + options.batchSize);
    // Multiple of 8: the network downsamples width 8x, so frames map to pixels evenly.
    const tensorW = Math.ceil(Math.max(REC_MIN_W, ...batch.map((i) => widths[i]!)) / 8) * 8;
    const plane = REC_H * tensorW;
    const data = new Float32Array(batch.length * 3 * plane);
    batch.forEach((i, n) => {
      writeChwBgr(resizeImage(crops[i]!, widths[i]!, REC_H), data, n * 3 * plane, tensorW, REC_H, HALF_NORM);
    });
    const out = await runFloat32(session, Tensor, data, [batch.length, 3, REC_H, tensorW]);
    const [, frames = 0, classes = 0] = out.dims;
    if (classes !== keys.length + 1) {
      throw new Error(`recognizer has ${classes} classes but the key table implies ${keys.length + 1}`);
    }
    batch.forEach((i, n) => {
      const probs = out.data.subarray(n * frames * classes, (n + 1) * frames * classes);
      results[i] = ctcGreedyDecode({ probs, frames, classes }, keys);
    });
  }
  return results;
}
