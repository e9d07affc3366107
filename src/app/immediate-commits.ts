/**
 * Runs `fn` with every IndexedDB `add` committed at once (IDBTransaction.commit()) instead
 * of left to auto-commit.
 * Note: when a page is hidden for good (reload, tab closed), Chromium drops a transaction
 * that has not committed yet, and y-indexeddb leaves every write to auto-commit: the flush
 * on pagehide sealed the last edits and lost them anyway (tests/e2e/unlock-after-saved-reload
 * .test.ts measured it). Only for a synchronous flush: each y-indexeddb write is a transaction
 * with one `add`, and a transaction that goes on issuing requests after it would fail.
 */
export function withImmediateCommits(fn: () => void): void {
  if (typeof IDBObjectStore === 'undefined') return fn();
  const proto = IDBObjectStore.prototype;
  const add = proto.add;
  proto.add = function addAndCommit(this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>): IDBRequest<IDBValidKey> {
    const request = add.apply(this, args);
    try {
      this.transaction.commit();
    } catch {
      // Already committing or finished: nothing more to ask for.
    }
    return request;
  };
  try {
    fn();
  } finally {
    proto.add = add;
  }
}
