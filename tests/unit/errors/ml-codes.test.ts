import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIndexingQueue, type QueueOutcome } from '../../../ml/queue/indexing-queue.ts';
import { MlError } from '../../../ml/runtime/ml-error.ts';
import type { MlApi } from '../../../ml/worker/ml-api.ts';
import { ML_API_SCHEMA } from '../../../ml/worker/ml-api-schema.ts';
import { startMlWorker } from '../../../ml/worker/ml-worker-client.ts';
import { expose, wrap, type Endpoint } from '../../../ml/worker/rpc.ts';

/**
 * A dedicated worker stand-in for Node, which has no Web Worker: it only records what is
 * posted and lets the test raise the worker's `error` event. Everything under test
 * (startMlWorker, rpc) is the real code.
 */
class SilentWorker extends EventTarget {
  static last: SilentWorker | undefined;
  readonly posted: unknown[] = [];
  terminated = false;
  constructor() {
    super();
    SilentWorker.last = this;
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof MlError ? e.code : `not coded: ${String(e)}`));

describe('ml error codes', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('E_CANCELLED: terminating the worker rejects every call in flight with the code', async () => {
    vi.stubGlobal('Worker', SilentWorker);
    const client = startMlWorker();
    const calls = [client.debugInfo(), client.preload({ ocr: false })];
    expect(SilentWorker.last?.posted).toHaveLength(2);
    client.terminate();
    expect(SilentWorker.last?.terminated).toBe(true);
    expect(await Promise.all(calls.map(codeOf))).toEqual(['E_CANCELLED', 'E_CANCELLED']);
  });

  it('E_INFERENCE: a worker that crashes fails its calls; a call that throws a plain error is coded E_INFERENCE', async () => {
    vi.stubGlobal('Worker', SilentWorker);
    const client = startMlWorker();
    const call = client.debugInfo();
    SilentWorker.last?.dispatchEvent(Object.assign(new Event('error'), { message: 'boom' }));
    expect(await codeOf(call)).toBe('E_INFERENCE');

    const { port1, port2 } = new MessageChannel();
    const api = { debugInfo: () => Promise.reject(new TypeError('backend gone')) } as unknown as MlApi;
    expose(api, ML_API_SCHEMA, port1 as unknown as Endpoint);
    port1.start();
    const remote = wrap<MlApi>(ML_API_SCHEMA, port2 as unknown as Endpoint);
    port2.start();
    expect(await codeOf(remote.call('debugInfo', []))).toBe('E_INFERENCE');
    port1.close();
  });

  it('E_INFERENCE: the indexing queue reports a run that throws as that photo outcome and goes on', async () => {
    const outcomes: QueueOutcome<string>[] = [];
    const queue = createIndexingQueue<string, string>({
      id: (item) => item,
      run: (item) => (item === 'bad' ? Promise.reject(new Error('session lost')) : Promise.resolve(`tags of ${item}`)),
      onOutcome: (o) => outcomes.push(o),
      yieldToUi: () => Promise.resolve(),
    });
    queue.enqueue(['bad', 'good']);
    await queue.idle();
    expect(outcomes.map((o) => (o.ok ? o.result : o.error.code))).toEqual(['E_INFERENCE', 'tags of good']);
  });
});
