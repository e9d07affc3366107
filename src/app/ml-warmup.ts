import { startMlWorker, type MlWorkerClient } from '../../ml/worker/ml-worker-client.ts';

let warm: MlWorkerClient | undefined;

/**
 * Starts the ML worker and loads the models a photo needs (detector and OCR) while the
 * person unlocks: the unlock screen calls this, so the seconds of wasm compilation and
 * session creation overlap the typing and Argon2id instead of delaying the first tag after
 * the unlock (issue 16 §2). The models are public files of our own origin; nothing of the
 * vault is needed or given. A failure here is not reported: the first photo loads them again
 * and reports what fails then.
 */
export function warmMl(): void {
  if (warm) return;
  warm = startMlWorker();
  void warm.preload({ ocr: true }).catch(() => undefined);
}

/** The warmed worker (once; it is the caller's from then on), or a new one. */
export function takeMlWorker(): MlWorkerClient {
  const worker = warm ?? startMlWorker();
  warm = undefined;
  return worker;
}
