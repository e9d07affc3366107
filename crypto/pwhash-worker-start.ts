import { pwhashOverEndpoint } from './pwhash-worker-api.ts';
import { usePassphraseKdf } from './pwhash-runner.ts';

let started = false;

/**
 * Browser only: start the Argon2id worker and send every later passphrase derivation
 * there, so unlocking never freezes the page. Idempotent per page.
 */
export function runPwhashInWorker(): void {
  if (started) return;
  started = true;
  const worker = new Worker(new URL('./pwhash.worker.ts', import.meta.url), { type: 'module', name: 'obscura-pwhash' });
  const remote = pwhashOverEndpoint(worker);
  worker.addEventListener('error', (e) => remote.fallBack(e.message || 'worker error'));
  worker.addEventListener('messageerror', () => remote.fallBack('unreadable worker message'));
  usePassphraseKdf(remote.kdf);
}
