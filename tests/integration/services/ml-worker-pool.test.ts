import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../ml/runtime/sha256.ts';
import type { WorkerLike } from '../../../ml/worker/ml-worker-client.ts';
import { parsePoolLayout, poolLayout, startMlWorkerPool } from '../../../ml/worker/ml-worker-pool.ts';
import { endNodeMlWorkers, spawnNodeMlWorker } from '../../helpers/node-ml-worker.ts';
import { COLOUR_LABELS, colourClassifier } from '../../unit/ml/classify-models.ts';

/**
 * The pool behind the tagging queue (issue 16 §2): real taggers in worker threads
 * (tests/helpers/node-ml-worker.ts), counted per worker by what the pool sends each one.
 */
const sent: string[][] = [];
function countingSpawn(): WorkerLike {
  const worker = spawnNodeMlWorker();
  const calls: string[] = [];
  sent.push(calls);
  return {
    ...worker,
    addEventListener: worker.addEventListener.bind(worker),
    terminate: () => worker.terminate(),
    postMessage(message, transfer) {
      const method = (message as { method?: unknown }).method;
      if (typeof method === 'string') calls.push(method);
      worker.postMessage(message, transfer);
    },
  };
}

const photo = (name: string) => readFile(join(process.cwd(), 'tests/fixtures/photos', name)).then((b) => new Uint8Array(b));

afterAll(() => endNodeMlWorkers());

describe('ML worker pool', () => {
  it('lays two cores out as two one-thread workers, and more cores as more threads in two workers', () => {
    expect(poolLayout(2)).toEqual({ workers: 2, threadsEach: 1 });
    expect(poolLayout(1)).toEqual({ workers: 1, threadsEach: 1 });
    expect(poolLayout(8)).toEqual({ workers: 2, threadsEach: 4 });
    expect(poolLayout(undefined)).toEqual({ workers: 1, threadsEach: 1 });
    expect(parsePoolLayout('1x2')).toEqual({ workers: 1, threadsEach: 2 });
    expect(parsePoolLayout('2x1; drop')).toBeUndefined();
    expect(parsePoolLayout(null)).toBeUndefined();
  });

  it('preload warms the first worker; two photos at once go to the two workers; an imported classifier reaches both', { timeout: 120_000 }, async () => {
    sent.length = 0;
    const pool = startMlWorkerPool({ spawn: countingSpawn, layout: { workers: 2, threadsEach: 1 } });
    try {
      expect(pool.size).toBe(2);
      expect((await pool.preload({ ocr: false })).workers).toBe(2);
      // The warm-up loads the models once, in the first worker; the second loads them with its first photo.
      expect(sent.map((calls) => calls.filter((m) => m === 'preload').length)).toEqual([1, 0]);
      const [a, b] = await Promise.all([pool.tag(await photo('chelsea.jpg'), { ocr: false }), pool.tag(await photo('chelsea.jpg'), { ocr: false })]);
      expect([a.labels[0]?.label, b.labels[0]?.label]).toEqual(['cat', 'cat']);
      expect(sent.map((calls) => calls.filter((m) => m === 'tag').length)).toEqual([1, 1]);

      const model = colourClassifier();
      const spec = { name: 'Colours', inputName: 'pixels', size: 32, labels: COLOUR_LABELS };
      const imported = await pool.importClassifier(model, spec, await sha256Hex(model));
      expect(sent.map((calls) => calls.filter((m) => m === 'importClassifier').length)).toEqual([1, 1]);
      const red = async () => new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#f00' } }).png().toBuffer());
      const both = await Promise.all([pool.tag(await red(), { ocr: false, classifierIds: [imported.id] }), pool.tag(await red(), { ocr: false, classifierIds: [imported.id] })]);
      expect(both.map((r) => r.error)).toEqual([undefined, undefined]);
      expect(both.map((r) => r.classifications[0]?.labels[0]?.label)).toEqual(['red', 'red']);
      expect(sent.map((calls) => calls.filter((m) => m === 'tag').length)).toEqual([2, 2]);
    } finally {
      pool.terminate();
    }
  });
});
