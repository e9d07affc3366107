import { Worker } from 'node:worker_threads';
import type { WorkerLike } from '../../ml/worker/ml-worker-client.ts';

/** Node worker threads that are still running, so a suite can end them all in afterAll. */
const running = new Set<Worker>();

/**
 * Starts the real tagger in a Node worker thread (node-ml-worker-entry.ts) and gives it the
 * shape startMlWorker expects of a Web Worker: `message` events carry `data`, `terminate()`
 * ends the thread even in the middle of a wasm run.
 */
export function spawnNodeMlWorker(): WorkerLike {
  const worker = new Worker(new URL('./node-ml-worker-boot.mjs', import.meta.url), {
    workerData: { entry: new URL('./node-ml-worker-entry.ts', import.meta.url).href },
  });
  running.add(worker);
  worker.on('exit', () => running.delete(worker));
  const like = {
    postMessage: (message: unknown, transfer: Transferable[]) => worker.postMessage(message, transfer as ArrayBuffer[]),
    addEventListener(type: 'message' | 'error', listener: (event: MessageEvent & { message: string }) => void) {
      if (type === 'message') worker.on('message', (data: unknown) => listener({ data } as MessageEvent & { message: string }));
      else worker.on('error', (error: Error) => listener({ message: error.message } as MessageEvent & { message: string }));
    },
    terminate: () => void worker.terminate(),
  };
  return like as WorkerLike;
}

/** Ends every worker thread this module started (afterAll of a suite). */
export async function endNodeMlWorkers(): Promise<void> {
  await Promise.all([...running].map((w) => w.terminate()));
}
