import * as Y from 'yjs';
import { contentHash } from '../../crypto/index.ts';

/**
 * Which state of a notebook's notes something derived from them is of (a kept search index):
 * a hash of the doc's Yjs snapshot, its state vector and delete set, both written in a fixed
 * order, so the same updates applied in any order give the same stamp, and any update more
 * (an insert, or a delete, which moves no clock) gives another.
 */
export function docStamp(doc: Y.Doc): string {
  return contentHash(Y.encodeSnapshot(Y.snapshot(doc)));
}
