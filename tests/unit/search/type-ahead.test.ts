import { describe, expect, it } from 'vitest';
import { type TypeAheadTimers, typeAhead } from '../../../ml/search/type-ahead.ts';

/** Timers run by hand: `task()` is the next task, `frame()` the task after the next frame. */
function manualTimers(): TypeAheadTimers & { task(): void; frame(): void; pending(): number } {
  let tasks: (() => void)[] = [];
  let frames: (() => void)[] = [];
  const queue = (list: () => (() => void)[], run: () => void) => {
    list().push(run);
    return () => {
      tasks = tasks.filter((t) => t !== run);
      frames = frames.filter((t) => t !== run);
    };
  };
  return {
    soon: (run) => queue(() => tasks, run),
    afterFrame: (run) => queue(() => frames, run),
    task: () => {
      const due = tasks;
      tasks = [];
      due.forEach((run) => run());
    },
    frame: () => {
      const due = frames;
      frames = [];
      due.forEach((run) => run());
    },
    pending: () => tasks.length + frames.length,
  };
}

describe('typeAhead: search as you type, no fixed wait (issue 17 §2)', () => {
  const setup = () => {
    const timers = manualTimers();
    const searched: string[] = [];
    const suggested: string[] = [];
    const box = typeAhead((t) => searched.push(t), (t) => suggested.push(t), timers);
    return { timers, searched, suggested, box };
  };

  it('a key searches in the next task, then suggests after the frame that shows the results', () => {
    const { timers, searched, suggested, box } = setup();
    box.type('c');
    expect(searched).toEqual([]);
    timers.task();
    expect(searched).toEqual(['c']);
    expect(suggested).toEqual([]);
    timers.frame();
    expect(suggested).toEqual(['c']);
    expect(timers.pending()).toBe(0);
  });

  it('keys typed before the search ran are one search of the latest text', () => {
    const { timers, searched, box } = setup();
    box.type('c');
    box.type('ca');
    box.type('cat');
    timers.task();
    expect(searched).toEqual(['cat']);
  });

  it('a key typed before the suggestions came drops them: no stale suggestions, no work spent on them', () => {
    const { timers, searched, suggested, box } = setup();
    box.type('c');
    timers.task();
    box.type('ca');
    timers.frame();
    expect(suggested).toEqual([]);
    timers.task();
    timers.frame();
    expect(searched).toEqual(['c', 'ca']);
    expect(suggested).toEqual(['ca']);
  });

  it('now searches at once and cancels a pending search; dispose cancels everything', () => {
    const { timers, searched, suggested, box } = setup();
    box.type('ca');
    box.now('');
    expect(searched).toEqual(['']);
    timers.task();
    expect(searched).toEqual(['']);
    box.type('dog');
    box.dispose();
    timers.task();
    timers.frame();
    expect(searched).toEqual(['']);
    expect(suggested).toEqual([]);
  });
});
