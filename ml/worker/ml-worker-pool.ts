import { startMlWorker, type MlWorkerClient, type MlWorkerOptions } from './ml-worker-client.ts';

export type MlWorkerPool = MlWorkerClient & {
  /** Workers in the pool: the tagging queue keeps this many photos in flight. */
  readonly size: number;
};

export type PoolLayout = { readonly workers: number; readonly threadsEach: number };

/**
 * Two workers of one thread each on two cores, instead of one worker of two threads: a photo
 * is decode, resize and post-processing in JS (one thread whatever ORT is told) plus many small
 * convolutions that two wasm threads split poorly, so two photos side by side keep both cores
 * busier (tests/bench/ml/RESULTS.md). More cores give each of the two workers more threads
 * rather than more workers: every worker holds its own copy of the models (~100 MB).
 */
export function poolLayout(cores: number | undefined): PoolLayout {
  const n = Math.max(1, Math.floor(cores ?? 1));
  const workers = Math.min(2, n);
  return { workers, threadsEach: Math.max(1, Math.floor(n / workers)) };
}

/** Where an e2e build reads a forced layout ("1x2": workers x threads), so the import bench compares layouts in one run. */
export const ML_LAYOUT_KEY = 'obscura-bench-ml-layout';

/** "2x1" -> two workers of one thread; anything else -> undefined. */
export function parsePoolLayout(text: string | null | undefined): PoolLayout | undefined {
  const m = /^([1-8])x([1-8])$/.exec(text ?? '');
  return m ? { workers: Number(m[1]), threadsEach: Number(m[2]) } : undefined;
}

/**
 * Several ML workers behind the one client shape. Every worker runs the whole pipeline on its
 * photo (ml/worker/tag-stages.ts), so a new pipeline step is still one call in runStages and
 * nothing here; the pool only chooses which worker gets a photo (the least busy) and gives
 * every worker what it must hold (imported classifiers; preload warms the first).
 */
export function startMlWorkerPool(options: MlWorkerOptions & { readonly layout?: PoolLayout } = {}): MlWorkerPool {
  const layout = options.layout ?? poolLayout(globalThis.navigator?.hardwareConcurrency);
  const members = Array.from({ length: layout.workers }, () => ({ client: startMlWorker({ ...options, threads: layout.threadsEach }), busy: 0 }));
  const first = members[0]!;

  /** Counts the member busy while the call runs, so the next photo goes to the other one. */
  function on<T>(member: (typeof members)[number], call: (c: MlWorkerClient) => Promise<T>): Promise<T> {
    member.busy++;
    const answer = call(member.client);
    void answer.then(
      () => member.busy--,
      () => member.busy--,
    );
    return answer;
  }
  const leastBusy = () => members.reduce((best, m) => (m.busy < best.busy ? m : best));

  const pool: MlWorkerPool = {
    size: members.length,
    tag: (bytes, tagOptions) => on(leastBusy(), (c) => c.tag(bytes, tagOptions)),
    debugInfo: async () => ({ ...(await first.client.debugInfo()), workers: members.length }),
    // The first worker only: the unlock screen's warm-up then compiles and loads the models
    // once, not once per worker in the same seconds (two tabs unlocking would load them four
    // times); the first photo goes to it, and the others' models load with their first photo.
    preload: async (tagOptions) => ({ ...(await on(first, (c) => c.preload(tagOptions))), workers: members.length }),
    importClassifier: async (bytes, spec, sha256) => {
      // Each worker keeps its own copy; the bytes are moved into the last one.
      const copies = members.map((_, i) => (i === members.length - 1 ? bytes : bytes.slice()));
      const answers = await Promise.all(members.map((m, i) => on(m, (c) => c.importClassifier(copies[i]!, spec, sha256))));
      return answers[0]!;
    },
    onRestart(listener) {
      const offs = members.map((m) => m.client.onRestart(listener));
      return () => offs.forEach((off) => off());
    },
    terminate: () => members.forEach((m) => m.client.terminate()),
  };
  return pool;
}
