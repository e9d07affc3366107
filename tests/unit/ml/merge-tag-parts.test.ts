import { describe, expect, it } from 'vitest';
import type { Detection } from '../../../ml/detect/detection.ts';
import type { TagResult } from '../../../ml/worker/ml-api.ts';
import { mergeTagParts } from '../../../ml/worker/merge-tag-parts.ts';

const det = (label: string, score: number, box: Detection['box']): Detection => ({ label, classIndex: 0, score, box, modelId: 'centernet', modelVersion: '1' });

const part = (over: Partial<TagResult>): TagResult => ({
  labels: [],
  candidates: [],
  text: [],
  classifications: [],
  pipelineVersion: 'v',
  ms: 0,
  timings: { decodeMs: 0, detectMs: 0, ocrMs: 0, classifyMs: 0 },
  ...over,
});

/** The join of a photo's two halves (ml/worker/merge-tag-parts.ts), as ml-worker-pool.ts makes it. */
describe('mergeTagParts', () => {
  // A 0.25 clock is under the clock's own bar (0.3) until digits are read inside its box.
  const clock = det('clock', 0.25, [100, 100, 300, 300]);
  const cup = det('cup', 0.6, [400, 0, 800, 400]);
  const objects = part({
    labels: [cup],
    candidates: [clock],
    objects: { width: 1000, height: 800, detections: [cup, clock] },
    ms: 300,
    timings: { decodeMs: 40, detectMs: 250, ocrMs: 0, classifyMs: 0 },
  });

  it('splits the objects half again with the text the other half read: digits in the box make the clock a tag', () => {
    const text = part({ text: [{ text: '12:45', confidence: 0.9, box: [[150, 190], [250, 190], [250, 210], [150, 210]] }], ms: 500, timings: { decodeMs: 60, detectMs: 0, ocrMs: 430, classifyMs: 0 } });
    const merged = mergeTagParts(objects, text);
    expect(merged.labels.map((d) => d.label)).toEqual(['cup', 'clock']);
    expect(merged.candidates).toEqual([]);
    expect(merged.text.map((l) => l.text)).toEqual(['12:45']);
    expect(merged).not.toHaveProperty('objects');
    expect(merged.ms).toBe(500);
    expect(merged.timings).toEqual({ decodeMs: 60, detectMs: 250, ocrMs: 430, classifyMs: 0 });
  });

  it('digits outside the box, or no text, leave the clock a candidate', () => {
    const far = part({ text: [{ text: '12:45', confidence: 0.9, box: [[700, 600], [800, 600], [800, 620], [700, 620]] }] });
    expect(mergeTagParts(objects, far).candidates.map((d) => d.label)).toEqual(['clock']);
    expect(mergeTagParts(objects, part({})).labels.map((d) => d.label)).toEqual(['cup']);
  });

  it("an error of either half is kept, the objects half's first", () => {
    const failed = part({ error: { code: 'E_INFERENCE', message: 'ocr failed' } });
    expect(mergeTagParts(objects, failed).error?.code).toBe('E_INFERENCE');
    expect(mergeTagParts(part({ error: { code: 'E_MODEL_FETCH', message: 'x' } }), failed).error?.code).toBe('E_MODEL_FETCH');
    expect(mergeTagParts(objects, part({}))).not.toHaveProperty('error');
  });
});
