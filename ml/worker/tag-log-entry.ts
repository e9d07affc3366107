import type { TagTimings } from './ml-api.ts';

/**
 * One tagging result as the app wrote it, as the e2e build logs it in `window.__obscuraTagLog`
 * (src/app/test-hooks.ts) for the import bench (tests/bench/ml/app-import.ts): when, what the
 * worker said it cost, what it found. Here because tests never import src/.
 */
export interface TagLogEntry {
  readonly noteId: string;
  /** Epoch ms. */
  readonly at: number;
  readonly workerMs: number;
  readonly timings: TagTimings;
  readonly labels: readonly string[];
  readonly textLines: number;
}
