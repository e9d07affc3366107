import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { letterbox } from '../../../ml/image/letterbox.ts';
import { buildConvertOptions } from '../../../models/build-models.ts';
import { convertTfjsModelFile } from '../../../models/converter/load-tfjs-model.ts';
import { loadPhoto } from './photos.ts';
import { HUMAN_MODELS, loadTfjsReference, maxAbsDiff, type TfjsReference } from './tfjs-reference.ts';

const OUTPUTS = ['tower_0/detections', 'tower_0/keypoints', 'tower_0/wh'];
const PHOTOS = ['chelsea.jpg', 'coffee.jpg', 'astronaut.jpg', 'motorcycle_left.jpg', 'page.png'];

let session: ort.InferenceSession;
let reference: TfjsReference;

beforeAll(async () => {
  const t0 = performance.now();
  const onnx = await convertTfjsModelFile(join(HUMAN_MODELS, 'centernet.json'), buildConvertOptions('generated/centernet.onnx'));
  console.log(`centernet: converted to ${onnx.byteLength} bytes in ${Math.round(performance.now() - t0)} ms`);
  session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 2 });
  reference = await loadTfjsReference(join(HUMAN_MODELS, 'centernet.json'));
}, 60_000);

describe('converted CenterNet matches TensorFlow.js', () => {
  it.each(PHOTOS)('%s', async (file) => {
    const input = letterbox(await loadPhoto(file), 512).data;
    const [tfDet, tfHeat, tfWh] = await reference.run(input, [1, 512, 512, 3], OUTPUTS);
    const t0 = performance.now();
    const out = await session.run({ 'tower_0/images': new ort.Tensor('float32', input.slice(), [1, 512, 512, 3]) });
    const ms = performance.now() - t0;
    const det = out['tower_0/detections']?.data as Float32Array;
    const heat = out['tower_0/keypoints']?.data as Float32Array;
    const wh = out['tower_0/wh']?.data as Float32Array;

    const scores = (d: Float32Array) => Array.from({ length: 100 }, (_, i) => d[i * 6 + 4] as number);
    const boxes = (d: Float32Array) => Array.from({ length: 400 }, (_, i) => d[Math.floor(i / 4) * 6 + (i % 4)] as number);
    const classes = (d: Float32Array) => Array.from({ length: 100 }, (_, i) => d[i * 6 + 5] as number);
    const scoreDiff = maxAbsDiff(scores(det), scores(tfDet as Float32Array));
    const heatDiff = maxAbsDiff(heat, tfHeat as Float32Array);
    // TopK may order rows with equal scores either way; compare boxes of untied rows only.
    const tfScoreList = scores(tfDet as Float32Array);
    const tied = (i: number) =>
      Math.abs((tfScoreList[i] as number) - (tfScoreList[i - 1] ?? Infinity)) < 1e-4 ||
      Math.abs((tfScoreList[i] as number) - (tfScoreList[i + 1] ?? Infinity)) < 1e-4;
    const untied = (b: number[]) => b.filter((_, i) => !tied(Math.floor(i / 4)));
    const boxDiff = maxAbsDiff(untied(boxes(det)), untied(boxes(tfDet as Float32Array)));
    console.log(`${file}: scores ${scoreDiff.toExponential(2)}, heatmap ${heatDiff.toExponential(2)}, boxes ${boxDiff.toExponential(2)} px, ORT ${ms.toFixed(0)} ms, top class ${det[5]} score ${det[4]?.toFixed(3)}`);

    expect(heatDiff).toBeLessThanOrEqual(1e-4);
    expect(scoreDiff).toBeLessThanOrEqual(1e-4);
    // Box sides come from wh (regressed in input pixels): float32 rounding of
    // values up to ~500 gives differences of a few 1e-3 px.
    expect(boxDiff).toBeLessThanOrEqual(0.05);
    expect(maxAbsDiff(wh, tfWh as Float32Array)).toBeLessThanOrEqual(0.05);
    // Same ranking; a class may only differ where two scores tie.
    const ortClasses = classes(det);
    const tfClasses = classes(tfDet as Float32Array);
    ortClasses.forEach((c, i) => {
      if (c !== tfClasses[i]) expect(tied(i), `row ${i}: class ${c} vs ${tfClasses[i]} without a score tie`).toBe(true);
    });
  });
});
