import { afterEach, describe, expect, it, vi } from 'vitest';
import { startAutoLock } from '../../../sync/tabs/auto-lock.ts';

/** A page's document as auto-lock sees it: where input events arrive, and whether it is shown. */
function page(): EventTarget & { visibilityState: DocumentVisibilityState } {
  return Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });
}

afterEach(() => {
  vi.useRealTimers();
});

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
});
