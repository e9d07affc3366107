import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageDeadline } from '../../../sync/transport/message-deadline.ts';
import { PeerByteBudget, type BudgetHolder } from '../../../sync/transport/peer-byte-budget.ts';

/** A holder that, like a ChunkedDataChannel, lets go of everything when dropped. */
function holder(budget: PeerByteBudget, evicted: string[], name: string): BudgetHolder {
  const self: BudgetHolder = {
    evict: () => {
      evicted.push(name);
      budget.set(self, 0);
    },
  };
  return self;
}

afterEach(() => vi.useRealTimers());

describe('PeerByteBudget', () => {
  it('lets holders claim up to the limit together, and drops the biggest other holder to make room', () => {
    const budget = new PeerByteBudget(100);
    const evicted: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => holder(budget, evicted, name)) as [BudgetHolder, BudgetHolder, BudgetHolder];
    expect([budget.claim(a, 60), budget.claim(b, 30), budget.claim(c, 10)]).toEqual([true, true, true]);
    expect(budget.heldBytes).toBe(100);
    // c needs 10 more: a holds the most, so a goes, not c.
    expect(budget.claim(c, 20)).toBe(true);
    expect(evicted).toEqual(['a']);
    expect(budget.heldBytes).toBe(50);
    expect(budget.peakBytes).toBe(100);
  });

  it('refuses the claimer when it would itself be the biggest holder', () => {
    const budget = new PeerByteBudget(100);
    const evicted: string[] = [];
    const [a, b] = ['a', 'b'].map((name) => holder(budget, evicted, name)) as [BudgetHolder, BudgetHolder];
    expect(budget.claim(a, 40)).toBe(true);
    expect(budget.claim(b, 50)).toBe(true);
    expect(budget.claim(b, 70)).toBe(false);
    expect(evicted).toEqual([]);
    expect(budget.heldBytes).toBe(90);
    budget.set(b, 0);
    expect(budget.heldBytes).toBe(40);
  });
});

describe('MessageDeadline', () => {
  it('gives up on a message with no frame for idleMs, not on one whose frames keep coming', () => {
    vi.useFakeTimers();
    const reasons: string[] = [];
    const deadline = new MessageDeadline({ idleMs: 1000, minBytesPerSecond: 1 }, (reason) => void reasons.push(reason));
    deadline.frame({ total: 1000, filled: 10 });
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(900);
      deadline.frame({ total: 1000, filled: 10 + i });
    }
    expect(reasons).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(reasons).toEqual([expect.stringMatching(/^no frame for 1000 ms/)]);
  });

  it('gives up on a message slower than minBytesPerSecond, and never once it is complete', () => {
    vi.useFakeTimers();
    const reasons: string[] = [];
    const deadline = new MessageDeadline({ idleMs: 1000, minBytesPerSecond: 1000 }, (reason) => void reasons.push(reason));
    deadline.frame({ total: 4000, filled: 1 });
    // 1 s idle allowance + 4000 bytes at 1000 bytes/s: 5 s, however often a frame comes.
    for (let i = 0; i < 9; i++) {
      vi.advanceTimersByTime(500);
      deadline.frame({ total: 4000, filled: 2 + i });
    }
    expect(reasons).toEqual([]);
    vi.advanceTimersByTime(600);
    expect(reasons).toEqual([expect.stringMatching(/slower than 1000 bytes\/s/)]);

    deadline.frame({ total: 10, filled: 5 });
    deadline.frame(null);
    vi.advanceTimersByTime(60_000);
    expect(reasons).toHaveLength(1);
  });
});
