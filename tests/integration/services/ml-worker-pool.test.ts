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
      const { method, args } = message as { method?: unknown; args?: unknown[] };
      // A half of a photo is counted as "tag:objects" or "tag:text" (TagOptions.part).
      const part = (args?.at(-1) as { part?: unknown } | undefined)?.part;
      if (typeof method === 'string') calls.push(typeof part === 'string' ? `${method}:${part}` : method);
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

  it('a lone photo gets both workers (detector in one, OCR in the other) and the same answer one worker gives; a photo that comes meanwhile takes the first worker free', { timeout: 180_000 }, async () => {
    const one = startMlWorkerPool({ spawn: spawnNodeMlWorker, layout: { workers: 1, threadsEach: 1 } });
    sent.length = 0;
    const pool = startMlWorkerPool({ spawn: countingSpawn, layout: { workers: 2, threadsEach: 1 } });
    try {
      // The warm-up loads each half's models in its own worker.
      await pool.preload({ ocr: true });
      expect(sent.map((calls) => calls.filter((m) => m.startsWith('preload')))).toEqual([['preload:objects'], ['preload:text']]);
      for (const name of ['text-card.jpg', 'motorcycle_left.jpg']) {
        sent.forEach((calls) => (calls.length = 0));
        const [whole, split] = await Promise.all([one.tag(await photo(name), {}), pool.tag(await photo(name), {})]);
        expect(sent).toEqual([['tag:objects'], ['tag:text']]);
        expect(split.error).toBeUndefined();
        const shape = (r: typeof whole) => ({
          labels: r.labels.map((d) => [d.label, d.score, d.box.map(Math.round)]),
          candidates: r.candidates.map((d) => [d.label, d.score, d.box.map(Math.round)]),
          text: r.text.map((l) => [l.text, l.confidence, l.box.map((p) => p.map(Math.round))]),
          pipelineVersion: r.pipelineVersion,
        });
        expect(shape(split)).toEqual(shape(whole));
        expect(split.text.length + split.labels.length).toBeGreaterThan(0);
        expect(split).not.toHaveProperty('objects');
      }

      // A second photo waiting takes whichever worker finishes its half first, whole.
      sent.forEach((calls) => (calls.length = 0));
      const first = pool.tag(await photo('chelsea.jpg'), {});
      await new Promise((r) => setTimeout(r, 0));
      const second = pool.tag(await photo('coffee.jpg'), {});
      const [a, b] = await Promise.all([first, second]);
      expect([a.error, b.error]).toEqual([undefined, undefined]);
      expect(a.labels.map((d) => d.label)).toContain('cat');
      expect(b.labels.map((d) => d.label)).toContain('cup');
      expect(sent.map((calls) => calls[0])).toEqual(['tag:objects', 'tag:text']);
      expect(sent.flat().filter((m) => m === 'tag')).toHaveLength(1);
    } finally {
      pool.terminate();
      one.terminate();
    }
  });

  it('preload without OCR warms the first worker; two photos at once go to the two workers whole; an imported classifier reaches both', { timeout: 120_000 }, async () => {
    sent.length = 0;
    const pool = startMlWorkerPool({ spawn: countingSpawn, layout: { workers: 2, threadsEach: 1 } });
    try {
      expect(pool.size).toBe(2);
      expect((await pool.preload({ ocr: false })).workers).toBe(2);
      // Nothing to split without OCR: the warm-up loads the detector once, in the first worker.
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
