/** What counts as the person being there. pointermove is left out: a resting mouse can jitter. */
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'input'] as const;

export interface AutoLockOptions {
  /** Idle minutes before locking; 0 turns auto-lock off. Read again after every activity. */
  readonly minutes: () => number;
  readonly onIdle: () => void;
  readonly target?: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>;
}

/**
 * Locks after `minutes` without input. One timer, re-armed lazily: activity only records the
 * time, and the timer, when it fires early, waits for the rest. A tab that was hidden (its
 * timers throttled) is checked again as soon as it is visible. Returns a stop function.
 */
export function startAutoLock(options: AutoLockOptions): { stop: () => void; reset: () => void } {
  const target = options.target ?? document;
  let last = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const check = () => {
    timer = undefined;
    if (stopped) return;
    const ms = options.minutes() * 60_000;
    if (ms <= 0) return;
    const left = last + ms - Date.now();
    if (left <= 0) {
      stop();
      options.onIdle();
      return;
    }
    timer = setTimeout(check, left);
  };
  const reset = () => {
    last = Date.now();
    if (timer === undefined) check();
  };
  const onVisible = () => {
    if (target.visibilityState !== 'visible') return;
    if (timer !== undefined) clearTimeout(timer);
    check();
  };
  const stop = () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const type of ACTIVITY_EVENTS) target.removeEventListener(type, reset, true);
    target.removeEventListener('visibilitychange', onVisible);
  };

  for (const type of ACTIVITY_EVENTS) target.addEventListener(type, reset, { capture: true, passive: true });
  target.addEventListener('visibilitychange', onVisible);
  check();
  return {
    stop,
    // A changed setting applies from now: re-arm with the new interval.
    reset: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      reset();
    },
  };
}
