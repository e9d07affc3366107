import { describe, expect, it } from 'vitest';
import { waitAfter, waitLeft } from '../../../sync/tabs/unlock-wait.ts';

describe('unlock wait (sync/tabs/unlock-wait.ts)', () => {
  it('lets two wrong secrets pass for typos, then doubles the wait from 2 s up to five minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 10, 11, 50].map(waitAfter)).toEqual([0, 0, 2, 4, 8, 16, 256, 300, 300]);
  });

  it('counts down on the wall clock, and a clock set back does not stretch the wait past what the count allows', () => {
    const wait = { failures: 4, until: 10_000 };
    expect(waitLeft(wait, 7_000)).toBe(3_000);
    expect(waitLeft(wait, 10_000)).toBe(0);
    expect(waitLeft(wait, 12_000)).toBe(0);
    // The clock went back two days after the fourth wrong try: still at most 4 s.
    expect(waitLeft(wait, 10_000 - 2 * 86_400_000)).toBe(4_000);
  });
});
