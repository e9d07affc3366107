import { MlError } from '../runtime/ml-error.ts';
import type { TagOptions, TagPart, TagResult } from './ml-api.ts';
import { mergeTagParts } from './merge-tag-parts.ts';
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

type Member = {
  readonly client: MlWorkerClient;
  /** Photos (or halves) it runs now: a photo waits in the pool rather than behind another in a worker. */
  busy: number;
  /** The halves whose models it was asked to load (preload, or a photo it ran). */
  readonly holds: Set<TagPart>;
};

type Waiting = {
  readonly bytes: Uint8Array;
  readonly options: TagOptions;
  readonly resolve: (result: TagResult) => void;
  readonly reject: (error: unknown) => void;
};

/**
 * Several ML workers behind the one client shape. A photo waits in the pool until a worker is
 * free. A photo alone, with two workers free, is split (TagOptions.part): the detector in one
 * worker, OCR in the other, joined by merge-tag-parts.ts, so its tag comes in about the time of
 * its longer half instead of both halves on one thread (the first tag after unlock, a single
 * import). Photos that wait together each get a worker whole, which duplicates nothing (a
 * split decodes the photo in both). Every worker runs the pipeline of tag-stages.ts, so a new
 * pipeline step is still one call in runStages and nothing here.
 */
export function startMlWorkerPool(options: MlWorkerOptions & { readonly layout?: PoolLayout } = {}): MlWorkerPool {
  const layout = options.layout ?? poolLayout(globalThis.navigator?.hardwareConcurrency);
  const members: Member[] = Array.from({ length: layout.workers }, () => ({
    client: startMlWorker({ ...options, threads: layout.threadsEach }),
    busy: 0,
    holds: new Set<TagPart>(),
  }));
  const first = members[0]!;
  const waiting: Waiting[] = [];
  let pumpQueued = false;

  /** Counts the member busy while the call runs, then hands the next waiting photo out. */
  function on<T>(member: Member, call: (c: MlWorkerClient) => Promise<T>): Promise<T> {
    member.busy++;
    const answer = call(member.client);
    const done = () => {
      member.busy--;
      pump();
    };
    void answer.then(done, done);
    return answer;
  }

  const whole = (job: Waiting, m: Member): void => {
    m.holds.add('objects').add('text');
    on(m, (c) => c.tag(job.bytes, job.options)).then(job.resolve, job.reject);
  };

  function split(job: Waiting, idle: readonly [Member, Member]): void {
    // The half whose models a worker already holds goes to it (preload loads one half in each).
    const [a, b] = !idle[0].holds.has('objects') && idle[1].holds.has('objects') ? [idle[1], idle[0]] : idle;
    a.holds.add('objects');
    b.holds.add('text');
    const copy = job.bytes.slice(); // each worker is moved its own copy of the file
    const halves = [on(a, (c) => c.tag(job.bytes, { ...job.options, part: 'objects' })), on(b, (c) => c.tag(copy, { ...job.options, part: 'text' }))] as const;
    Promise.all(halves).then(([objects, text]) => job.resolve(mergeTagParts(objects, text)), job.reject);
  }

  function pump(): void {
    for (;;) {
      const idle = members.filter((m) => m.busy === 0);
      if (idle.length === 0 || waiting.length === 0) return;
      const job = waiting.shift()!;
      if (idle.length >= 2 && waiting.length === 0 && job.options.ocr !== false) split(job, [idle[0]!, idle[1]!]);
      else whole(job, idle.find((m) => m.holds.size === 2) ?? idle[0]!);
    }
  }

  const pool: MlWorkerPool = {
    size: members.length,
    tag: (bytes, tagOptions = {}) =>
      new Promise<TagResult>((resolve, reject) => {
        waiting.push({ bytes, options: tagOptions, resolve, reject });
        // After the calls of this turn: photos asked for together are seen together, and each gets a worker whole.
        if (pumpQueued) return;
        pumpQueued = true;
        queueMicrotask(() => {
          pumpQueued = false;
          pump();
        });
      }),
    debugInfo: async () => ({ ...(await first.client.debugInfo()), workers: members.length }),
    // Not counted as busy: a photo that comes meanwhile is split at once, each half waiting in
    // the worker that loads its models. One half's models in each worker: the models load once
    // per pool, as before.
    preload: async (tagOptions = {}) => {
      const second = members[1];
      if (!second || tagOptions.ocr === false) {
        first.holds.add('objects');
        return { ...(await first.client.preload(tagOptions)), workers: members.length };
      }
      first.holds.add('objects');
      second.holds.add('text');
      // One worker after the other, not side by side: with both loading, the page's own path of the
      // first photo after unlock (store, decrypt) shared its core and reached a worker 2.6 s later
      // (tests/bench/ml/RESULTS.md).
      const a = await first.client.preload({ ...tagOptions, part: 'objects' });
      const b = await second.client.preload({ ...tagOptions, part: 'text' });
      return { ...a, sessions: [...a.sessions, ...b.sessions], workers: members.length };
    },
    importClassifier: async (bytes, spec, sha256) => {
      // Each worker keeps its own copy; the bytes are moved into the last one.
      const copies = members.map((_, i) => (i === members.length - 1 ? bytes : bytes.slice()));
      const answers = await Promise.all(members.map((m, i) => m.client.importClassifier(copies[i]!, spec, sha256)));
      return answers[0]!;
    },
    onRestart(listener) {
      const offs = members.map((m) => m.client.onRestart(listener));
      return () => offs.forEach((off) => off());
    },
    terminate: () => {
      for (const job of waiting.splice(0)) job.reject(new MlError('E_CANCELLED', 'ML worker terminated'));
      members.forEach((m) => m.client.terminate());
    },
  };
  return pool;
}
