import { ML_LAYOUT_KEY, parsePoolLayout, poolLayout, startMlWorkerPool, type MlWorkerPool, type PoolLayout } from '../../ml/worker/ml-worker-pool.ts';

let warm: MlWorkerPool | undefined;

/**
 * The pool the app tags with: this device's cores split between its workers. The e2e build
 * only (dead code in `npm run build`) takes a layout the import bench sets, to measure layouts
 * side by side in one run.
 */
function layout(): PoolLayout {
  const forced = __OBSCURA_TEST_HOOKS__ ? parsePoolLayout(globalThis.localStorage?.getItem(ML_LAYOUT_KEY)) : undefined;
  return forced ?? poolLayout(globalThis.navigator?.hardwareConcurrency);
}

/** Photos the tagging queue keeps in flight: one per worker of the pool. */
export const mlWorkerCount = (): number => layout().workers;

/**
 * Starts the ML workers and loads the models a photo needs (detector and OCR) while the
 * person unlocks: the unlock screen calls this, so the seconds of wasm compilation and
 * session creation overlap the typing and Argon2id instead of delaying the first tag after
 * the unlock (issue 16 §2). The models are public files of our own origin; nothing of the
 * vault is needed or given. A failure here is not reported: the first photo loads them again
 * and reports what fails then.
 */
export function warmMl(): void {
  if (warm) return;
  warm = startMlWorkerPool({ layout: layout() });
  void warm.preload({ ocr: true }).catch(() => undefined);
}

/** The warmed pool (once; it is the caller's from then on), or a new one. */
export function takeMlWorker(): MlWorkerPool {
  const worker = warm ?? startMlWorkerPool({ layout: layout() });
  warm = undefined;
  return worker;
}
