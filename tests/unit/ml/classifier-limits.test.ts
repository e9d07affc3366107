import { describe, expect, it } from 'vitest';
import { validateClassifierSpec } from '../../../ml/classify/classifier-spec.ts';
import { ML_API_SCHEMA } from '../../../ml/worker/ml-api-schema.ts';
import type { TagResult } from '../../../ml/worker/ml-api.ts';
import { isLabelRecord } from '../../../sync/notebook/labels.ts';

/**
 * Issue 18 §4: an imported classifier could ask for its top 100 000 labels, and every photo
 * tagged then carried 100 000 label records into the notebook (and to every member's
 * device). And the import let labels of up to 200 characters in while the notebook reads
 * only labels of up to 100, so such a classifier's labels were written and then dropped.
 */
const labels = (count: number, length = 8) => Array.from({ length: count }, (_, i) => `l${i}`.padEnd(length, 'x'));

describe('what an imported classifier may write per photo', () => {
  it('E_SPEC_INVALID: a spec asking for more than the top 10 labels is refused', () => {
    for (const topK of [11, 100, 100_000]) {
      const r = validateClassifierSpec({ inputName: 'pixels', labels: labels(100_000), topK });
      expect([topK, r.ok]).toEqual([topK, false]);
      expect(!r.ok && r.error.code).toBe('E_SPEC_INVALID');
    }
    expect(validateClassifierSpec({ inputName: 'pixels', labels: labels(100_000), topK: 10 }).ok).toBe(true);
  });

  it('the worker boundary refuses an answer with more than 10 labels from one classifier', () => {
    const answer = (count: number): TagResult => ({
      labels: [],
      candidates: [],
      text: [],
      classifications: [{ classifierId: 'clf-0123456789abcdef', name: 'Big', labels: labels(count).map((label, index) => ({ label, index, score: 0.1 })) }],
      pipelineVersion: 'pipeline@1',
      ms: 1,
      timings: { decodeMs: 0, detectMs: 0, ocrMs: 0, classifyMs: 0 },
    });
    expect(ML_API_SCHEMA.tag.result(answer(10))).toBe(true);
    expect(ML_API_SCHEMA.tag.result(answer(11))).toBe(false);
    expect(ML_API_SCHEMA.tag.result(answer(100_000))).toBe(false);
  });

  it('a label the import accepts is a label the notebook reads, and the other way round', () => {
    for (const length of [1, 2, 99, 100, 101, 150, 200, 201]) {
      const label = 'a'.repeat(length);
      const imported = validateClassifierSpec({ inputName: 'pixels', labels: [label, 'other'] }).ok;
      const read = isLabelRecord({ label, score: 0.5, box: [0, 0, 0, 0], source: 'model', modelId: 'clf-0123456789abcdef', modelVersion: 'x' });
      expect({ length, imported }).toEqual({ length, imported: read });
    }
  });
});
