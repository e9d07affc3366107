import type { TabChannel } from './tab-channel.ts';

/** What counts as the person being there. pointermove is left out: a resting mouse can jitter. */
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'input'] as const;
/** The longest a timer waits before looking again: a machine that slept or a clock that changed is seen within this. */
const RECHECK_MS = 30_000;
/** Activity is told to the other tabs at most this often (so they may count it up to this much early). */
const TELL_EVERY_MS = 1_000;
/** How long a tab whose idle time ran out waits for the other tabs' answers. */
const ASK_MS = 250;

export interface AutoLockClock {
  /** Wall time (Date.now): counts a machine's sleep, but jumps when the clock is set. */
  readonly wall: () => number;
  /** Monotonic time (performance.now): never jumps, but stands still while the machine sleeps. */
  readonly mono: () => number;
}

export interface AutoLockOptions {
  /** Idle minutes before locking; 0 turns auto-lock off (or holds it). Read again after every activity. */
  readonly minutes: () => number;
  readonly onIdle: () => void;
  readonly target?: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>;
  /** The profile's other tabs (sync/tabs/tab-channel.ts): idle means no activity in any of them. */
  readonly channel?: TabChannel;
  readonly clock?: AutoLockClock;
}

const systemClock: AutoLockClock = { wall: () => Date.now(), mono: () => performance.now() };

/**
 * Locks after `minutes` without input in any tab of the profile (issue 18 §3: the person
 * typing in tab A is there, so tab B must not lock the session under them). Activity here is
 * told to the other tabs; activity there counts here. A tab whose own count runs out (it may
 * have missed messages while frozen) asks the others how long they have been idle before it
 * locks every tab; a tab that must not lock now (a new recovery key on screen, or auto-lock
 * off) answers `held`.
 *
 * Idle time is the larger of what the monotonic clock and the wall clock say since the last
 * activity, the wall clock only when it moved forward (issue 18 §5): a clock set back would
 * otherwise arm the timer for days, and the monotonic clock alone stands still while the
 * machine sleeps, so a laptop opened after a night would show the notes. A clock set forward
 * locks early, the safe side. No timer waits more than RECHECK_MS; a tab that was hidden is
 * checked again as soon as it is visible. Returns a stop function.
 */
export function startAutoLock(options: AutoLockOptions): { stop: () => void; reset: () => void } {
  const target = options.target ?? document;
  const clock = options.clock ?? systemClock;
  const channel = options.channel;
  let last = { wall: clock.wall(), mono: clock.mono() };
  let told = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asking: { id: string; idleMs: number[]; held: boolean } | undefined;
  let stopped = false;

  const idleFor = (): number => {
    const wall = clock.wall() - last.wall;
    return Math.max(clock.mono() - last.mono, wall > 0 ? wall : 0);
  };
  const limit = () => options.minutes() * 60_000;
  const arm = (ms: number) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, Math.min(ms, RECHECK_MS)));
  };

  function check(): void {
    timer = undefined;
    if (stopped) return;
    const ms = limit();
    if (ms <= 0) return;
    const left = ms - idleFor();
    if (left > 0) return arm(left);
    if (!channel) return lockAll();
    asking = { id: crypto.randomUUID(), idleMs: [], held: false };
    channel.post({ type: 'idle-query', id: asking.id });
    timer = setTimeout(decide, ASK_MS);
  }

  /** The answers are in: the least idle tab counts; a held tab keeps everyone unlocked. */
  function decide(): void {
    timer = undefined;
    const asked = asking;
    asking = undefined;
    if (stopped || !asked) return;
    if (asked.held) seen(0);
    else if (asked.idleMs.length > 0) seen(Math.min(...asked.idleMs));
    const ms = limit();
    if (ms <= 0) return;
    const left = ms - idleFor();
    if (left > 0) arm(left);
    else lockAll();
  }

  /** Activity `agoMs` ago (0: now), if later than the last one known. */
  const seen = (agoMs: number) => {
    if (agoMs >= idleFor()) return;
    last = { wall: clock.wall() - agoMs, mono: clock.mono() - agoMs };
  };
  const lockAll = () => {
    stop();
    options.onIdle();
  };
  const onActivity = () => {
    seen(0);
    const now = clock.mono();
    if (channel && now - told >= TELL_EVERY_MS) {
      told = now;
      channel.post({ type: 'active' });
    }
    if (timer === undefined && !asking) check();
  };
  const onVisible = () => {
    if (target.visibilityState !== 'visible' || asking) return;
    if (timer !== undefined) clearTimeout(timer);
    check();
  };
  const unlisten = channel?.listen((message) => {
    if (stopped) return;
    if (message.type === 'active') seen(0);
    else if (message.type === 'idle-query') channel.post({ type: 'idle-answer', id: message.id, idleMs: idleFor(), held: limit() <= 0 });
    else if (message.type === 'idle-answer' && asking?.id === message.id) {
      asking.idleMs.push(message.idleMs);
      asking.held ||= message.held;
    }
  });
  function stop(): void {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    unlisten?.();
    for (const type of ACTIVITY_EVENTS) target.removeEventListener(type, onActivity, true);
    target.removeEventListener('visibilitychange', onVisible);
  }

  for (const type of ACTIVITY_EVENTS) target.addEventListener(type, onActivity, { capture: true, passive: true });
  target.addEventListener('visibilitychange', onVisible);
  check();
  return {
    stop,
    // A changed setting applies from now: re-arm with the new interval.
    reset: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      asking = undefined;
      seen(0);
      check();
    },
  };
}
