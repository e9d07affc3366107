import type * as Y from 'yjs';
import { bytesEqual } from '../../crypto/index.ts';

/**
 * Keeps a box map append-only against everyone else: a value this replica verified stays
 * under its key until deleting it is justified, whoever sends the delete or the overwrite.
 *
 * Note: a room id is known to the relay, the signaling server, removed members and every
 * holder of an old link, and any of them can send a valid Yjs update that deletes or
 * overwrites box entries (sync/PROTOCOL.md "Append-only boxes"). Yjs applies it; the
 * plain doc keeps what it already applied, but the box on disk and on the relay would lose
 * it for good. So a remote delete or overwrite of a verified value is answered by setting
 * the kept bytes again (a local write, so it persists and reaches the others), unless the
 * rules say the delete is legitimate (e.g. a trusted snapshot covers the entry).
 */
export const RESTORE_ORIGIN: unique symbol = Symbol('obscura:restore');

export interface AppendOnlyRules {
  /** Whether `value` is the real value for `key` (verified by signature, not by who sent it). */
  authentic(key: string, value: Uint8Array): boolean;
  /** Whether the key may be gone now (its kept value given). */
  mayDelete(key: string, value: Uint8Array): boolean;
  /**
   * While true, unjustified deletes wait (up to `deferMs`) instead of being restored at once:
   * the justification may be on its way (a snapshot whose key has not arrived yet).
   */
  defer?(): boolean;
}

export interface AppendOnlyGuard {
  /** Judges waiting deletes again (call when what `mayDelete`/`defer` read has changed). */
  recheck(): void;
  /** Keys whose verified value was taken away and is not back yet. */
  readonly waiting: number;
  /** Whether `key`'s verified value is waiting to be put back (what it holds now is not it). */
  isWaiting(key: string): boolean;
  /** Values restored so far (a hostile or lagging peer's deletes and overwrites). */
  readonly restored: number;
  /** Restores what still waits and stops watching. */
  stop(): void;
}

export function guardAppendOnly(doc: Y.Doc, map: Y.Map<Uint8Array>, rules: AppendOnlyRules, deferMs = 10_000): AppendOnlyGuard {
  const held = new Map<string, { value: Uint8Array; since: number }>();
  let restored = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const judge = (force: boolean): void => {
    if (held.size === 0) return;
    const now = Date.now();
    // A wait ends after deferMs whatever happens meanwhile, so a stream of junk cannot prolong it.
    const deferring = !force && (rules.defer?.() ?? false);
    const restore: [string, Uint8Array][] = [];
    for (const [key, { value, since }] of held) {
      const current: unknown = map.get(key);
      if (current instanceof Uint8Array && (bytesEqual(current, value) || (compareBytes(current, value) < 0 && rules.authentic(key, current)))) held.delete(key);
      else if (current === undefined && rules.mayDelete(key, value)) held.delete(key);
      else if (!deferring || now - since >= deferMs) restore.push([key, value]);
    }
    if (restore.length > 0) {
      doc.transact(() => {
        for (const [key, value] of restore) map.set(key, value);
      }, RESTORE_ORIGIN);
      for (const [key] of restore) held.delete(key);
      restored += restore.length;
    }
    if (held.size > 0 && !stopped && timer === undefined) {
      const first = Math.min(...[...held.values()].map((h) => h.since));
      timer = setTimeout(() => {
        timer = undefined;
        judge(false);
      }, Math.max(0, first + deferMs - now));
    }
  };

  const observe = (event: Y.YMapEvent<Uint8Array>, transaction: Y.Transaction): void => {
    if (transaction.local) return;
    event.changes.keys.forEach((change, key) => {
      if (change.action === 'add' || held.has(key)) return;
      const old: unknown = change.oldValue;
      if (!(old instanceof Uint8Array)) return;
      const now: unknown = map.get(key);
      if (now instanceof Uint8Array && bytesEqual(now, old)) return;
      if (!rules.authentic(key, old)) return;
      // Two genuine values for one key (two owners handing the same key at once): every
      // replica keeps the smaller, so they agree instead of putting theirs back in turn.
      if (now instanceof Uint8Array && rules.authentic(key, now) && compareBytes(now, old) < 0) return;
      held.set(key, { value: old, since: Date.now() });
    });
  };
  // Judged once the whole transaction is observed: a compaction's delete comes with its
  // snapshot, which the sealed doc's own observer opens after this map's observers ran.
  let observing = false;
  const beforeObservers = (): void => {
    observing = true;
  };
  const afterTransaction = (): void => {
    observing = false;
    judge(false);
  };
  map.observe(observe);
  doc.on('beforeObserverCalls', beforeObservers);
  doc.on('afterTransaction', afterTransaction);

  return {
    recheck: () => void (observing || judge(false)),
    get waiting() {
      return held.size;
    },
    isWaiting: (key) => held.has(key),
    get restored() {
      return restored;
    },
    stop() {
      if (stopped) return;
      map.unobserve(observe);
      doc.off('beforeObserverCalls', beforeObservers);
      doc.off('afterTransaction', afterTransaction);
      if (!doc.isDestroyed) judge(true);
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}
