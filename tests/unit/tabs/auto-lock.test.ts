import { afterEach, describe, expect, it, vi } from 'vitest';
import { startAutoLock } from '../../../sync/tabs/auto-lock.ts';
import { openTabChannel, type TabChannel } from '../../../sync/tabs/tab-channel.ts';

/** A page's document as auto-lock sees it: where input events arrive, and whether it is shown. */
function page(): EventTarget & { visibilityState: DocumentVisibilityState } {
  return Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });
}

const cleanup: (() => void)[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const done of cleanup.splice(0)) done();
});

let n = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A tab for the cross-tab tests: its own page and its own channel object on the profile's channel name. */
function tabOn(name: string, minutes: () => number): { page: ReturnType<typeof page>; idle: () => number } {
  const target = page();
  const channel: TabChannel = openTabChannel(name);
  let idle = 0;
  const lock = startAutoLock({ minutes, onIdle: () => idle++, target, channel });
  cleanup.push(() => (lock.stop(), channel.close()));
  return { page: target, idle: () => idle };
}

describe('auto-lock (sync/tabs/auto-lock.ts)', () => {
  it('the clock set back two days right after the last activity: it still locks once the idle minutes pass (monotonic time, issue 18 §5)', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    let idle = 0;
    const lock = startAutoLock({ minutes: () => 1, onIdle: () => idle++, target: page() });
    vi.setSystemTime(Date.now() - 2 * 86_400_000);
    vi.advanceTimersByTime(61_000);
    expect(idle).toBe(1);
    lock.stop();
  });

  it('the machine sleeps (the wall clock runs on, the monotonic one stands still): it locks within 30 s of waking', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    let idle = 0;
    const lock = startAutoLock({ minutes: () => 5, onIdle: () => idle++, target: page() });
    vi.advanceTimersByTime(10_000);
    // Asleep for 8 hours: only the wall clock moved.
    vi.setSystemTime(Date.now() + 8 * 3_600_000);
    vi.advanceTimersByTime(19_000);
    expect(idle).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(idle).toBe(1);
    lock.stop();
  });

  it('never waits on one timer longer than 30 s, and input pushes the lock back', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    let idle = 0;
    const target = page();
    const lock = startAutoLock({ minutes: () => 1, onIdle: () => idle++, target });
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50_000);
    target.dispatchEvent(new Event('keydown'));
    vi.advanceTimersByTime(50_000);
    expect(idle).toBe(0);
    vi.advanceTimersByTime(11_000);
    expect(idle).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    lock.stop();
  });

  it('idle is no activity in any tab: keys in tab A keep tab B unlocked (A tells B, and B asks before it locks); with none anywhere, they lock', async () => {
    const name = `obscura-auto-lock-${n++}`;
    const minutes = () => 0.4 / 60;
    const a = tabOn(name, minutes);
    const b = tabOn(name, minutes);
    for (let i = 0; i < 12; i++) {
      a.page.dispatchEvent(new Event('keydown'));
      await sleep(100);
    }
    // 1.2 s of keys in A, none in B: three times B's limit.
    expect(b.idle()).toBe(0);
    expect(a.idle()).toBe(0);
    await sleep(1_200);
    expect(a.idle() + b.idle()).toBeGreaterThanOrEqual(1);
  });

  it('a tab that must not lock now (auto-lock held: a new recovery key on screen) answers held, and no other tab locks', async () => {
    const name = `obscura-auto-lock-${n++}`;
    const holding = tabOn(name, () => 0);
    const other = tabOn(name, () => 0.2 / 60);
    await sleep(1_000);
    expect(other.idle()).toBe(0);
    expect(holding.idle()).toBe(0);
  });
});
