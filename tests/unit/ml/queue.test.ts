import { describe, expect, it } from 'vitest';
import { MlError } from '../../../ml/runtime/ml-error.ts';
import { tagPhotoRunner } from '../../../ml/queue/tag-photo-runner.ts';
import type { TagResult } from '../../../ml/worker/ml-api.ts';
import { createIndexingQueue, type QueueOutcome, type QueueProgress } from '../../../ml/queue/indexing-queue.ts';

type Photo = { id: string; fail?: boolean };

/** A stand-in for the worker call: resolves when the test says so, one call at a time. */
function controlledRun() {
  const calls: { photo: Photo; finish: () => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const run = (photo: Photo) =>
    new Promise<string>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push({
        photo,
        finish: () => {
          inFlight--;
          if (photo.fail) reject(new MlError('E_IMAGE_CORRUPT', `${photo.id} is broken`));
          else resolve(`tags of ${photo.id}`);
        },
      });
    });
  return { run, calls, maxInFlight: () => maxInFlight };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

async function finishNext(calls: { finish: () => void }[], at: number) {
  while (calls.length <= at) await tick();
  calls[at]!.finish();
  await tick();
}

function setup() {
  const worker = controlledRun();
  const outcomes: QueueOutcome<string>[] = [];
  const seen: QueueProgress[] = [];
  const queue = createIndexingQueue<Photo, string>({ id: (p) => p.id, run: worker.run, onOutcome: (o) => outcomes.push(o) });
  queue.onProgress((p) => seen.push(p));
  return { queue, worker, outcomes, seen };
}

describe('indexing queue', () => {
  it('runs one photo at a time, reports progress and every outcome', async () => {
    const { queue, worker, outcomes, seen } = setup();
    queue.enqueue([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    for (let i = 0; i < 3; i++) await finishNext(worker.calls, i);
    await queue.idle();
    expect(worker.maxInFlight()).toBe(1);
    expect(outcomes.map((o) => o.id)).toEqual(['a', 'b', 'c']);
    expect(seen.some((p) => p.current === 'b' && p.done === 1 && p.total === 3)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ done: 3, total: 3, state: 'idle' });
  });

  it('keeps going after a photo fails, with the error code as that photo outcome', async () => {
    const { queue, worker, outcomes } = setup();
    queue.enqueue([{ id: 'a' }, { id: 'broken', fail: true }, { id: 'c' }]);
    for (let i = 0; i < 3; i++) await finishNext(worker.calls, i);
    await queue.idle();
    expect(outcomes.map((o) => (o.ok ? o.id : `${o.id}:${o.error.code}`))).toEqual(['a', 'broken:E_IMAGE_CORRUPT', 'c']);
  });

  it('pause lets the photo in flight finish and starts nothing new until resume', async () => {
    const { queue, worker, outcomes } = setup();
    queue.enqueue([{ id: 'a' }, { id: 'b' }]);
    await tick();
    queue.pause();
    await finishNext(worker.calls, 0);
    await tick();
    expect(worker.calls).toHaveLength(1);
    expect(queue.progress()).toMatchObject({ state: 'paused', done: 1, total: 2 });
    queue.resume();
    await finishNext(worker.calls, 1);
    await queue.idle();
    expect(outcomes.map((o) => o.id)).toEqual(['a', 'b']);
  });

  it('cancel drops what has not started and the in-flight outcome; the queue takes new work after', async () => {
    const { queue, worker, outcomes } = setup();
    queue.enqueue([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    await tick();
    queue.cancel();
    await finishNext(worker.calls, 0);
    await queue.idle();
    expect(worker.calls).toHaveLength(1);
    expect(outcomes).toEqual([]);
    expect(queue.progress()).toMatchObject({ state: 'idle', done: 0, total: 0 });
    queue.enqueue([{ id: 'd' }]);
    await finishNext(worker.calls, 1);
    await queue.idle();
    expect(outcomes.map((o) => o.id)).toEqual(['d']);
  });

  it('with concurrency 2 keeps two photos in flight, never more, and reports each outcome as it ends', async () => {
    const worker = controlledRun();
    const outcomes: QueueOutcome<string>[] = [];
    const queue = createIndexingQueue<Photo, string>({ id: (p) => p.id, run: worker.run, onOutcome: (o) => outcomes.push(o), concurrency: 2 });
    queue.enqueue([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    await tick();
    expect(worker.calls.map((c) => c.photo.id)).toEqual(['a', 'b']);
    expect(queue.progress()).toMatchObject({ state: 'running', current: 'b', total: 3 });
    await finishNext(worker.calls, 1); // b ends first: c starts beside a
    await tick();
    expect(worker.calls.map((c) => c.photo.id)).toEqual(['a', 'b', 'c']);
    queue.enqueue([{ id: 'd' }]);
    await tick();
    expect(worker.calls).toHaveLength(3); // both lanes busy: d waits
    await finishNext(worker.calls, 0);
    await finishNext(worker.calls, 2);
    await finishNext(worker.calls, 3);
    await queue.idle();
    expect(worker.maxInFlight()).toBe(2);
    expect(outcomes.map((o) => o.id)).toEqual(['b', 'a', 'c', 'd']);
    expect(queue.progress()).toMatchObject({ state: 'idle', current: null });
  });

  it('with concurrency 2, pause lets both photos in flight finish and starts nothing new; cancel drops their outcomes', async () => {
    const worker = controlledRun();
    const outcomes: QueueOutcome<string>[] = [];
    const queue = createIndexingQueue<Photo, string>({ id: (p) => p.id, run: worker.run, onOutcome: (o) => outcomes.push(o), concurrency: 2 });
    queue.enqueue([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    await tick();
    queue.pause();
    await finishNext(worker.calls, 0);
    await finishNext(worker.calls, 1);
    await tick();
    expect(worker.calls).toHaveLength(2);
    expect(queue.progress()).toMatchObject({ state: 'paused', done: 2, total: 3 });
    queue.resume();
    await tick();
    queue.cancel();
    await finishNext(worker.calls, 2);
    await queue.idle();
    expect(outcomes.map((o) => o.id)).toEqual(['a', 'b']);
  });

  it('gives the event loop a turn between photos (never a long synchronous run)', async () => {
    const order: string[] = [];
    const queue = createIndexingQueue<Photo, void>({
      id: (p) => p.id,
      run: async (p) => void order.push(`run ${p.id}`),
      onOutcome: () => {},
    });
    queue.enqueue([{ id: 'a' }, { id: 'b' }]);
    setTimeout(() => order.push('ui'), 0);
    await queue.idle();
    expect(order.indexOf('ui')).toBeLessThan(order.indexOf('run b'));
  });

  it('drives a worker client: bytes loaded per photo, error results become failed outcomes', async () => {
    const loaded: string[] = [];
    const result = (error?: TagResult['error']): TagResult => ({
      labels: [], candidates: [], text: [], classifications: [], pipelineVersion: 'pipeline@1', ms: 1,
      timings: { decodeMs: 0, detectMs: 0, ocrMs: 0, classifyMs: 0 }, ...(error ? { error } : {}),
    });
    const client = {
      tag: async (bytes: Uint8Array) =>
        bytes[0] === 0 ? result({ code: 'E_IMAGE_CORRUPT' as const, message: 'truncated' }) : result(),
    };
    const outcomes: QueueOutcome<TagResult>[] = [];
    const queue = createIndexingQueue<{ id: string }, TagResult>({
      id: (p) => p.id,
      run: tagPhotoRunner(client, async (p) => (loaded.push(p.id), new Uint8Array([p.id === 'bad' ? 0 : 1]))),
      onOutcome: (o) => outcomes.push(o),
    });
    queue.enqueue([{ id: 'ok' }, { id: 'bad' }, { id: 'ok2' }]);
    await queue.idle();
    expect(loaded).toEqual(['ok', 'bad', 'ok2']);
    expect(outcomes.map((o) => (o.ok ? o.id : `${o.id}:${o.error.code}`))).toEqual(['ok', 'bad:E_IMAGE_CORRUPT', 'ok2']);
  });
});
