import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-common';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectObjects } from '../../../ml/detect/detect-objects.ts';
import { CENTERNET_IO, parseLabels, type Detection, type DetectorModel } from '../../../ml/detect/detection.ts';
import { nonMaxSuppression } from '../../../ml/detect/non-max-suppression.ts';
import { letterbox } from '../../../ml/image/letterbox.ts';
import { createRgbaImage } from '../../../ml/image/rgba-image.ts';
import { buildModels } from '../../../models/build-models.ts';
import { parseModelManifest } from '../../../ml/runtime/model-manifest.ts';
import { loadPhoto } from '../models/photos.ts';

const root = process.cwd();
let model: DetectorModel;
let session: ort.InferenceSession;
let modelFile: string;

beforeAll(async () => {
  await buildModels({ root }); // no-op when models/generated/ is current
  const manifest = parseModelManifest(JSON.parse(await readFile(join(root, 'models/manifest.json'), 'utf8')));
  const entry = manifest.models.find((m) => m.task === 'detect');
  if (!entry?.labels) throw new Error('manifest has no detector');
  const labels = parseLabels(await readFile(join(root, 'models', entry.labels.file), 'utf8'));
  model = { id: entry.id, version: entry.version, labels, ...CENTERNET_IO };
  modelFile = join(root, 'models', entry.file);
  session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 2 });
}, 60_000);

describe('detectObjects with the converted CenterNet (onnxruntime-node)', () => {
  it.each([
    ['chelsea.jpg', 'cat'],
    ['coffee.jpg', 'cup'],
    ['astronaut.jpg', 'person'],
    ['motorcycle_left.jpg', 'motorcycle'],
  ])('%s -> %s', async (file, expected) => {
    const image = await loadPhoto(file);
    const t0 = performance.now();
    const found = await detectObjects(image, session, { model, Tensor: ort.Tensor });
    console.log(`${file} (${Math.round(performance.now() - t0)} ms): ${found.map((d) => `${d.label} ${d.score.toFixed(2)}`).join(', ')}`);
    const top = found[0] as Detection;
    expect(top.label).toBe(expected);
    expect(top.classIndex).toBe(model.labels.indexOf(expected));
    expect(top.score).toBeGreaterThanOrEqual(0.2);
    expect(top.modelId).toBe(model.id);
    expect(top.modelVersion).toBe(model.version);
    expect(found.length).toBeLessThanOrEqual(10);
    for (const d of found) {
      expect(d.box[0]).toBeGreaterThanOrEqual(0);
      expect(d.box[1]).toBeGreaterThanOrEqual(0);
      expect(d.box[2]).toBeLessThanOrEqual(image.width);
      expect(d.box[3]).toBeLessThanOrEqual(image.height);
    }
    // The main object fills much of each of these photos.
    const [x1, y1, x2, y2] = top.box;
    expect(((x2 - x1) * (y2 - y1)) / (image.width * image.height)).toBeGreaterThan(0.15);
  });

  it('gives the same answer on a second run (a fresh input tensor per run)', async () => {
    const image = await loadPhoto('chelsea.jpg');
    const a = await detectObjects(image, session, { model, Tensor: ort.Tensor });
    const b = await detectObjects(image, session, { model, Tensor: ort.Tensor });
    expect(b).toEqual(a);
  });
});

describe('the same pipeline on onnxruntime-web (wasm, as in the browser)', () => {
  it('gives the same detections as onnxruntime-node', async () => {
    const ortWeb = await import('onnxruntime-web/wasm');
    ortWeb.env.wasm.numThreads = 1; // Node has no cross-origin isolation to share memory with
    const webSession = await ortWeb.InferenceSession.create(new Uint8Array(await readFile(modelFile)));
    const image = await loadPhoto('coffee.jpg');
    const web = await detectObjects(image, webSession, { model, Tensor: ortWeb.Tensor });
    const native = await detectObjects(image, session, { model, Tensor: ort.Tensor });
    expect(web.map((d) => d.label)).toEqual(native.map((d) => d.label));
    web.forEach((d, i) => expect(Math.abs(d.score - (native[i] as Detection).score)).toBeLessThan(1e-4));
  }, 60_000);
});

describe('detectObjects post-processing (fake session)', () => {
  /** A session stub that returns fixed rows, to check decoding without a model. */
  function fakeSession(rows: number[][]): Pick<InferenceSession, 'run'> {
    const data = Float32Array.from(rows.flat());
    return {
      run: (async (feeds: Record<string, ort.Tensor>) => {
        expect(feeds[CENTERNET_IO.inputName]?.dims).toEqual([1, 512, 512, 3]);
        return { [CENTERNET_IO.outputName]: new ort.Tensor('float32', data, [1, rows.length, 6]) };
      }) as InferenceSession['run'],
    };
  }
  const labels = Array.from({ length: 80 }, (_, i) => `c${i}`);
  const fake: DetectorModel = { id: 'fake', version: '0', labels, ...CENTERNET_IO };

  it('maps boxes back through the letterbox into original pixels', async () => {
    const image = createRgbaImage(1000, 500); // scale 0.512, padded 128 px top and bottom
    const lb = letterbox(image, 512);
    const row = [lb.padX, lb.padY, lb.padX + 256, lb.padY + 128, 0.9, 15];
    const [d] = await detectObjects(image, fakeSession([row]), { model: fake, Tensor: ort.Tensor });
    expect(d?.label).toBe('c15');
    expect(d?.box.map((v) => Math.round(v))).toEqual([0, 0, 500, 250]);
  });

  it('drops low scores, unknown classes and empty boxes, then applies NMS and the cap', async () => {
    const image = createRgbaImage(512, 512);
    const rows = [
      [10, 10, 110, 110, 0.8, 1],
      [12, 12, 112, 112, 0.7, 2], // overlaps the first (IoU ~0.96): suppressed across classes
      [300, 300, 400, 400, 0.5, 3],
      [300, 10, 400, 110, 0.19, 4], // below 0.2
      [10, 300, 110, 400, 0.9, 80], // no such class
      [50, 50, 50, 90, 0.9, 5], // zero width
    ];
    const found = await detectObjects(image, fakeSession(rows), { model: fake, Tensor: ort.Tensor });
    expect(found.map((d) => d.label)).toEqual(['c1', 'c3']);
    const capped = await detectObjects(image, fakeSession(rows), { model: fake, Tensor: ort.Tensor, maxResults: 1 });
    expect(capped).toHaveLength(1);
  });

  it('nonMaxSuppression keeps boxes that overlap at most the threshold', () => {
    const a = { score: 0.9, box: [0, 0, 10, 10] as [number, number, number, number] };
    const b = { score: 0.8, box: [5, 0, 15, 10] as [number, number, number, number] }; // IoU 1/3
    expect(nonMaxSuppression([b, a], 0.4, 10)).toEqual([a, b]);
    expect(nonMaxSuppression([b, a], 0.3, 10)).toEqual([a]);
  });
});
