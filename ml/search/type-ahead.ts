/** When the search box's work runs; the browser's by default, a test's by hand. */
export interface TypeAheadTimers {
  /** A task after the input events already queued: keys typed meanwhile make one search. */
  soon(run: () => void): () => void;
  /** A task after the next frame: what the person waits for is on screen first. */
  afterFrame(run: () => void): () => void;
}

export const browserTimers: TypeAheadTimers = {
  soon(run) {
    const timer = setTimeout(run, 0);
    return () => clearTimeout(timer);
  },
  afterFrame(run) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(run, 0)));
    return () => (cancelAnimationFrame(frame), clearTimeout(timer));
  },
};

export interface TypeAhead {
  /** A key changed the text: search it in the next task (with whatever else was typed by then). */
  type(text: string): void;
  /** Search now (Enter, a picked suggestion, a cleared box). */
  now(text: string): void;
  dispose(): void;
}

/**
 * Search-as-you-type without a fixed wait (issue 17 §2: keystroke to rendered results <= 100
 * ms at 10,000 notes). A key searches in the next task, so keys that arrive while a search
 * runs are one search of the latest text, never a queue of stale ones; the suggestions, which
 * cost as much as the search, come after the frame that shows the results, and a key typed
 * before then drops them. The 50 ms spacing and 120 ms debounce this replaces were waits
 * added to every key.
 */
export function typeAhead(search: (text: string) => void, suggest: (text: string) => void, timers: TypeAheadTimers = browserTimers): TypeAhead {
  let latest = '';
  let cancelSearch: (() => void) | undefined;
  let cancelSuggest: (() => void) | undefined;
  const stop = () => {
    cancelSearch?.();
    cancelSuggest?.();
    cancelSearch = cancelSuggest = undefined;
  };
  const run = (text: string) => {
    stop();
    search(text);
    cancelSuggest = timers.afterFrame(() => {
      cancelSuggest = undefined;
      suggest(text);
    });
  };
  return {
    type(text) {
      latest = text;
      cancelSuggest?.();
      cancelSuggest = undefined;
      cancelSearch ??= timers.soon(() => {
        cancelSearch = undefined;
        run(latest);
      });
    },
    now: run,
    dispose: stop,
  };
}
