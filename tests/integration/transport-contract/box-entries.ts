import type * as Y from 'yjs';
import { boxMaps, entryKey } from '../../../sync/sealed/box-layout.ts';

/** Resolves when `box` has `key` in its entries; rejects with `what` after `ms`. */
export function arrives(box: Y.Doc, key: string, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => boxMaps(box).entries.has(key);
    if (check()) return resolve();
    const timer = setTimeout(() => {
      box.off('afterTransaction', onChange);
      reject(new Error(`timed out after ${ms} ms: ${what}`));
    }, ms);
    const onChange = () => {
      if (!check()) return;
      clearTimeout(timer);
      box.off('afterTransaction', onChange);
      resolve();
    };
    box.on('afterTransaction', onChange);
  });
}

let seq = 0;
/**
 * Writes one box-shaped entry (what SealedDoc writes: a keyed binary value) and returns its
 * key. Keys name the doc's client id, so devices in other processes never pick the same one.
 */
export function writeEntry(box: Y.Doc, origin?: unknown): string {
  const key = entryKey(`w${box.clientID}`, ++seq);
  box.transact(() => boxMaps(box).entries.set(key, new Uint8Array(64).fill(seq % 251)), origin);
  return key;
}
