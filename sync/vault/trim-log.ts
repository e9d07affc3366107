import type { BoxHandle } from '../storage/box-persistence.ts';

/**
 * Trims a box's stored update log after a compaction. Only an optimization: the log still
 * holds every update when it fails (a full disk), so a failure is dropped, not thrown into
 * nobody's hands; the next compaction tries again.
 */
export function trimLog(handle: BoxHandle): void {
  handle.compact().catch(() => undefined);
}
