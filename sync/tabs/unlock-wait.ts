/**
 * A growing wait after wrong secrets on the unlock screen (issue 13 §3). It is for the person
 * at the keyboard, not a defence: anyone with the profile on disk tries passphrases offline at
 * Argon2id's cost whatever this says. So it lives in clear localStorage (the count of wrong
 * tries in a row, and when the next may start: THREAT_MODEL.md "A copy of the browser
 * profile"), which a reload or another tab of the profile reads too.
 */
const KEY = 'obscura-unlock-wait';
const FREE_TRIES = 2;
const MAX_WAIT_S = 300;

export interface UnlockWait {
  /** Wrong secrets in a row. */
  readonly failures: number;
  /** Wall-clock ms at which the next try may start (0: now). */
  readonly until: number;
}

/** Seconds held after the nth wrong secret in a row: none for the first two (typos), then 2, 4, 8 … up to five minutes. */
export function waitAfter(failures: number): number {
  return failures <= FREE_TRIES ? 0 : Math.min(2 ** (failures - FREE_TRIES), MAX_WAIT_S);
}

const NONE: UnlockWait = { failures: 0, until: 0 };

function storage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

export function readUnlockWait(): UnlockWait {
  try {
    const v: unknown = JSON.parse(storage()?.getItem(KEY) ?? 'null');
    if (typeof v !== 'object' || v === null) return NONE;
    const { failures, until } = v as Record<string, unknown>;
    if (!Number.isSafeInteger(failures) || !Number.isSafeInteger(until) || (failures as number) < 0) return NONE;
    return { failures: failures as number, until: until as number };
  } catch {
    return NONE;
  }
}

/** Ms left to wait at `now`; never more than the count allows, so a clock set back does not stretch it. */
export function waitLeft(wait: UnlockWait, now: number): number {
  return Math.max(0, Math.min(wait.until - now, waitAfter(wait.failures) * 1000));
}

export function recordWrongSecret(now: number): UnlockWait {
  const failures = readUnlockWait().failures + 1;
  const next = { failures, until: now + waitAfter(failures) * 1000 };
  try {
    storage()?.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage refused: the wait holds for this page only.
  }
  return next;
}

export function clearUnlockWait(): void {
  try {
    storage()?.removeItem(KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}
