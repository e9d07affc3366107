import { resizeImage } from '../image/resize-image.ts';
import type { RgbaImage } from '../image/rgba-image.ts';
import { runFloat32, type Float32TensorCtor, type OrtSession } from './ocr-runtime.ts';
import { HALF_NORM, writeChwBgr } from './to-chw-tensor.ts';

const CLS_H = 48;
const CLS_W = 192;

/**
 * For each text-line crop, whether it is upside down: the PP-OCR direction
 * classifier outputs [p(0 deg), p(180 deg)] per crop; like PaddleOCR we only
 * flip when p(180) > threshold (0.9), because a wrong flip turns a readable
 * line into garbage while a missed flip only loses that line.
 */
export async function classifyUpsideDown(
  crops: readonly RgbaImage[],
  session: OrtSession,
  Tensor: Float32TensorCtor,
  threshold = 0.9,
): Promise<boolean[]> {
  if (crops.length === 0) return [];
  const plane = CLS_H * CLS_W;
  const data = new Float32Array(crops.length * 3 * plane); // zero = PP-OCR's padding
  crops.forEach((crop, n) => {
    const w = Math.min(CLS_W, Math.max(1, Math.ceil((CLS_H * crop.width) / crop.height)));
    writeChwBgr(resizeImage(crop, w, CLS_H), data, n * 3 * plane, CLS_W, CLS_H, HALF_NORM);
  });
  const out = await runFloat32(session, Tensor, data, [crops.length, 3, CLS_H, CLS_W]);
  const classes = out.dims[1] ?? 2;
  return crops.map((_, n) => (out.data[n * classes + 1] ?? 0) > threshold);
}
