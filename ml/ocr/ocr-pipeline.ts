import { cropQuad } from '../image/crop-quad.ts';
import { cropStrip } from '../image/crop-strip.ts';
import { resizeImage } from '../image/resize-image.ts';
import type { RgbaImage } from '../image/rgba-image.ts';
import { rotateImage } from '../image/rotate-image.ts';
import { classifyUpsideDown } from './classify-angle.ts';
import { ctcConfidence, ctcText } from './ctc-decode.ts';
import { dbPostprocess, type DbOptions } from './db-postprocess.ts';
import { detPreprocess } from './det-preprocess.ts';
import type { Quad } from './geometry.ts';
import { runFloat32, type OcrModels } from './ocr-runtime.ts';
import { recognizeCrops } from './recognize.ts';
import { insertWordSpaces, type WordSpaceOptions } from './insert-word-spaces.ts';
import { toLatinPunctuation } from './latin-punctuation.ts';

export type OcrLine = {
  text: string;
  /** Mean character probability from the recognizer, 0..1. */
  confidence: number;
  /** tl, tr, br, bl in the pixels of the image passed to runOcr. */
  box: Quad;
};

export type OcrOptions = {
  /** Longest side of the detector input (<= 960 for PP-OCRv4 det). */
  maxSide: number;
  db: Partial<DbOptions>;
  /** Lines read with lower confidence are dropped (PaddleOCR drop_score). */
  minConfidence: number;
  /** Recover spaces between words from CTC frame gaps; false to disable. */
  wordSpaces: WordSpaceOptions | false;
  /** A photo smaller than maxSide with no text found is tried again enlarged up to this factor (1: never). */
  enlargeUpTo: number;
};

/**
 * 640, not 960: on the import bench's 4-MP photos the detector costs 40% of its 960-px time,
 * and the text read stayed the same but for two words of one page photo ("pixels" read as
 * "pixel", a word cut by the crop's edge read differently; tests/bench/ml/RESULTS.md, "OCR
 * detector size").
 */
export const OCR_DEFAULTS: OcrOptions = { maxSide: 640, db: {}, minConfidence: 0.5, wordSpaces: {}, enlargeUpTo: 2 };

export type OcrTimings = { detMs: number; clsMs: number; recMs: number };

/**
 * Read the text in an image: detect line boxes (DB), straighten and crop each
 * line, flip upside-down lines (direction classifier), recognise (CTC), then
 * restore word spaces. Lines come back in reading order with boxes in the
 * input image's pixels.
 */
export async function runOcr(
  image: RgbaImage,
  models: OcrModels,
  options: Partial<OcrOptions> = {},
): Promise<{ lines: OcrLine[]; timings: OcrTimings }> {
  const o = { ...OCR_DEFAULTS, ...options };
  const t0 = performance.now();
  const detect = async (img: RgbaImage) => {
    const det = detPreprocess(img, o.maxSide);
    const map = await runFloat32(models.det, models.Tensor, det.data, [1, 3, det.height, det.width]);
    return dbPostprocess(map.data, det.width, det.height, img.width, img.height, o.db);
  };
  let boxes = await detect(image);
  // A small photo where nothing was found is looked at once more, enlarged: the detector
  // misses letters a few pixels high (a 320 px tilted sign read nothing, and "NO PARKING" at
  // 2x). Only then, so photos with text found at their own size read as before. The target is
  // the detector's side (640), so only photos under ~427 px are enlarged at least 1.5x.
  const scale = boxes.length === 0 ? Math.min(o.enlargeUpTo, o.maxSide / Math.max(image.width, image.height)) : 1;
  const source = scale >= 1.5 ? resizeImage(image, Math.round(image.width * scale), Math.round(image.height * scale)) : image;
  if (source !== image) boxes = await detect(source);
  const k = source.width / image.width;
  const t1 = performance.now();

  let crops = boxes.map(({ box, strip }) => {
    const crop = strip ? cropStrip(source, strip) : cropQuad(source, box);
    // PaddleOCR turns tall crops (vertical text) a quarter turn counter-clockwise.
    return crop.height >= crop.width * 1.5 ? rotateImage(crop, 270) : crop;
  });
  if (models.cls && crops.length > 0) {
    const flip = await classifyUpsideDown(crops, models.cls, models.Tensor);
    crops = crops.map((c, i) => (flip[i] ? rotateImage(c, 180) : c));
  }
  const t2 = performance.now();

  const read = await recognizeCrops(crops, models.rec, models.Tensor, models.keys);
  const lines: OcrLine[] = [];
  read.forEach((chars, i) => {
    const raw = o.wordSpaces === false ? ctcText(chars) : insertWordSpaces(chars, o.wordSpaces);
    const text = toLatinPunctuation(raw).trim();
    const confidence = ctcConfidence(chars);
    const box = boxes[i]!.box.map(([x, y]) => [x / k, y / k]) as Quad;
    if (text.length > 0 && confidence >= o.minConfidence) lines.push({ text, confidence, box });
  });
  const t3 = performance.now();
  return { lines, timings: { detMs: t1 - t0, clsMs: t2 - t1, recMs: t3 - t2 } };
}
