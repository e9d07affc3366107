import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeNode } from '../../../ml/image/decode-node.ts';
import { letterbox } from '../../../ml/image/letterbox.ts';
import { resizeImage } from '../../../ml/image/resize-image.ts';
import type { RgbaImage } from '../../../ml/image/rgba-image.ts';
import { detPreprocess } from '../../../ml/ocr/det-preprocess.ts';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const PHOTOS = join(ROOT, 'tests', 'fixtures', 'photos');

/** One model with one fixed input, as every runner in this benchmark sees it. */
export interface BenchCase {
  /** Short name for the table: "centernet", "ocr-det". */
  readonly name: string;
  /** Path of the .onnx file under the repo root (the shipped, sha-pinned build). */
  readonly modelPath: string;
  readonly inputName: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export async function decodeFixture(name: string): Promise<RgbaImage> {
  const r = await decodeNode(await readFile(join(PHOTOS, name)), { maxPixels: 4_000_000 });
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.image;
}

/**
 * The two inputs of the benchmark, made by the app's own preprocessing:
 * chelsea.jpg letterboxed to CenterNet's [1,512,512,3], and page.png resized to a
 * fixed 640x640 PP-OCR det input (the size ARCHITECTURE §5 quotes timings for).
 */
export async function benchCases(): Promise<{ centernet: BenchCase; det: BenchCase }> {
  const cat = await decodeFixture('chelsea.jpg');
  const page = await decodeFixture('page.png');
  const det = detPreprocess(resizeImage(page, 640, 640), 640);
  return {
    centernet: {
      name: 'centernet',
      modelPath: 'models/generated/centernet.onnx',
      inputName: 'tower_0/images',
      dims: [1, 512, 512, 3],
      data: letterbox(cat, 512).data,
    },
    det: {
      name: 'ocr-det',
      modelPath: 'models/generated/ch_PP-OCRv4_det_infer.onnx',
      inputName: 'x',
      dims: [1, 3, det.height, det.width],
      data: det.data,
    },
  };
}
