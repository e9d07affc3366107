import type { BrowserContext, Page } from 'playwright-core';

/** What the new device's page recorded, in ms of its own clock (performance.now()). */
export interface ThumbTimes {
  /** When the first note card was in the DOM. */
  readonly firstCard: number | undefined;
  /** Per note id, when its thumbnail first decoded into a card. */
  readonly shown: Record<string, number>;
  /** Per note id, when its card was first in the DOM (the grid renders the rows in view and two either side). */
  readonly mounted: Record<string, number>;
}

interface Watch {
  firstCard: number | undefined;
  shown: Record<string, number>;
  mounted: Record<string, number>;
}

declare global {
  interface Window {
    thumbWatch?: Watch;
  }
}

/**
 * From page start, records when the first note card appears and when each card's thumbnail
 * loads (an <img> load in `.thumb`, caught in the capture phase since load does not bubble),
 * by note id: the grid is windowed, so cards come and go as it scrolls.
 */
export async function watchThumbnails(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const watch: Watch = { firstCard: undefined, shown: {}, mounted: {} };
    window.thumbWatch = watch;
    document.addEventListener(
      'load',
      (event) => {
        const img = event.target;
        if (!(img instanceof HTMLImageElement) || !img.closest('.thumb') || img.naturalWidth === 0) return;
        const id = img.closest('li[data-note-id]')?.getAttribute('data-note-id');
        if (id && watch.shown[id] === undefined) watch.shown[id] = performance.now();
      },
      true,
    );
    new MutationObserver(() => {
      const now = performance.now();
      for (const li of document.querySelectorAll('.note-list li[data-note-id]')) {
        const id = li.getAttribute('data-note-id') ?? '';
        watch.firstCard ??= now;
        if (watch.mounted[id] === undefined) watch.mounted[id] = now;
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

export async function thumbTimes(page: Page): Promise<ThumbTimes> {
  return page.evaluate(() => {
    const watch = window.thumbWatch;
    if (!watch) throw new Error('watchThumbnails was not installed before the page loaded');
    return { firstCard: watch.firstCard, shown: { ...watch.shown }, mounted: { ...watch.mounted } };
  });
}

/**
 * A person reading the grid, in the page (no round trip to the bench per step): waits until
 * every card whose box meets the visible part of the grid shows its thumbnail, then scrolls
 * the grid down by one screen, until `count` thumbnails have been shown. Returns when the
 * first screen was complete and how many screens it took.
 */
export async function readGridToTheEnd(page: Page, count: number, timeoutMs: number): Promise<{ firstScreen: number; screens: number }> {
  return page.evaluate(
    async ({ count, timeoutMs }) => {
      const watch = window.thumbWatch;
      if (!watch) throw new Error('watchThumbnails was not installed before the page loaded');
      const deadline = performance.now() + timeoutMs;
      let firstScreen: number | undefined;
      let screens = 1;
      while (performance.now() < deadline) {
        // Inline, not a named helper: tsx would wrap a named function in __name, which the page lacks.
        await new Promise((r) => requestAnimationFrame(r));
        const grid = document.querySelector<HTMLElement>('.note-list .note-grid');
        if (!grid) continue;
        const box = grid.getBoundingClientRect();
        const top = Math.max(box.top, 0);
        const bottom = Math.min(box.bottom, innerHeight);
        const cards = [...grid.querySelectorAll('li[data-note-id]')].filter((li) => {
          const r = li.getBoundingClientRect();
          return r.bottom > top && r.top < bottom;
        });
        const ready = cards.length > 0 && cards.every((li) => (li.querySelector<HTMLImageElement>('.thumb img')?.naturalWidth ?? 0) > 0);
        if (!ready) continue;
        firstScreen ??= performance.now();
        if (Object.keys(watch.shown).length >= count) return { firstScreen, screens };
        if (grid.scrollTop + grid.clientHeight < grid.scrollHeight - 1) {
          grid.scrollTop += grid.clientHeight;
          screens++;
        }
      }
      throw new Error(`not every thumbnail was shown in ${timeoutMs / 1000} s: ${Object.keys(watch.shown).length} of ${count}`);
    },
    { count, timeoutMs },
  );
}
