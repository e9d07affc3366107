import { toMlErrorValue, type MlErrorValue } from '../runtime/ml-error.ts';

export type QueueState = 'idle' | 'running' | 'paused';

export type QueueProgress = {
  readonly state: QueueState;
  /** Finished items since the last time the queue was empty, failures included. */
  readonly done: number;
  readonly failed: number;
  readonly total: number;
  /** Id of the item being worked on, if any. */
  readonly current: string | null;
};

export type QueueOutcome<R> =
  | { readonly id: string; readonly ok: true; readonly result: R }
  | { readonly id: string; readonly ok: false; readonly error: MlErrorValue };

export type IndexingQueue<I> = {
  enqueue(items: readonly I[]): void;
  /** The item in flight finishes; nothing new starts until resume(). */
  pause(): void;
  resume(): void;
  /** Drop everything not started; the item in flight finishes but its outcome is dropped. */
  cancel(): void;
  progress(): QueueProgress;
  onProgress(listener: (p: QueueProgress) => void): () => void;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
};

export type QueueOptions<I, R> = {
  readonly id: (item: I) => string;
  /** Does the work, usually a call into the ML worker. May throw. */
  readonly run: (item: I) => Promise<R>;
  readonly onOutcome: (outcome: QueueOutcome<R>) => void;
  /** Between items; default a macrotask, so input and rendering get a turn. */
  readonly yieldToUi?: () => Promise<void>;
  /**
   * Items in flight at once (default 1): the tagging service runs one per ML worker of its pool
   * (ml/worker/ml-worker-pool.ts), so each worker always has a photo.
   */
  readonly concurrency?: number;
};

/**
 * Indexes photos, `concurrency` at a time (one unless told). The heavy work happens in the
 * workers; this only sequences calls, so the main thread is never busy for long. One
 * photo's failure is reported as its outcome and the queue moves on.
 */
export function createIndexingQueue<I, R>(options: QueueOptions<I, R>): IndexingQueue<I> {
  const yieldToUi = options.yieldToUi ?? (() => new Promise<void>((r) => setTimeout(r, 0)));
  const pending: I[] = [];
  const listeners = new Set<(p: QueueProgress) => void>();
  const idleWaiters: (() => void)[] = [];
  let paused = false;
  /** Lanes running: each takes the next item when its own is done. */
  let lanes = 0;
  const lanesWanted = Math.max(1, Math.floor(options.concurrency ?? 1));
  const inFlight = new Set<string>();
  let generation = 0; // bumped by cancel(): outcomes of older generations are dropped
  let done = 0;
  let failed = 0;
  let total = 0;
  /** The item started last among those in flight. */
  let current: string | null = null;

  const progress = (): QueueProgress => ({
    state: lanes > 0 ? 'running' : paused && pending.length > 0 ? 'paused' : 'idle',
    done, failed, total, current,
  });
  const emit = () => listeners.forEach((l) => l(progress()));

  /** After the last lane stops (or when nothing ran): report, and wake idle() waiters. */
  function settle() {
    if (lanes > 0) return;
    emit();
    if (pending.length === 0) done = failed = total = 0; // the next batch counts from zero
    idleWaiters.splice(0).forEach((w) => w());
  }

  async function lane() {
    lanes++;
    while (pending.length > 0 && !paused) {
      const item = pending.shift() as I;
      const gen = generation;
      const id = options.id(item);
      inFlight.add(id);
      current = id;
      emit();
      let outcome: QueueOutcome<R>;
      try {
        outcome = { id, ok: true, result: await options.run(item) };
      } catch (err) {
        outcome = { id, ok: false, error: toMlErrorValue(err, 'E_INFERENCE') };
      }
      inFlight.delete(id);
      if (current === id) current = [...inFlight].at(-1) ?? null;
      if (gen === generation) {
        done++;
        if (!outcome.ok) failed++;
        options.onOutcome(outcome);
      }
      emit();
      await yieldToUi();
    }
    lanes--;
    settle();
  }

  /** Starts lanes up to the concurrency, never more than there are items for. */
  function loop() {
    while (lanes < lanesWanted && pending.length > 0 && !paused) void lane(); // each lane takes its first item at once
  }

  return {
    enqueue(items) {
      pending.push(...items);
      total += items.length;
      emit();
      if (!paused) loop();
    },
    pause() {
      paused = true;
      emit();
    },
    resume() {
      paused = false;
      if (pending.length > 0) loop();
      else settle();
    },
    cancel() {
      generation++;
      pending.length = 0;
      paused = false;
      done = failed = total = 0;
      settle();
    },
    progress,
    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    idle() {
      if (lanes === 0) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },
  };
}
