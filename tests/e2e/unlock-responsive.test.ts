import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import type { GuardedContext } from './harness/browser.ts';
import { createVaultInUi } from './harness/app-flows.ts';
import { pageForSuite } from './harness/page-for-suite.ts';

const PASSPHRASE = 'a long enough passphrase for argon2id';

/** Records every animation frame's timestamp from now on, into window.__frames. */
function startFrameLog(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[] };
    w.__frames = [];
    const tick = (t: number) => {
      w.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

describe('unlock runs Argon2id off the main thread (Chromium)', () => {
  let device: GuardedContext;
  let page: Page;
  const workers: string[] = [];
  const baseUrl = inject('baseUrl');
  pageForSuite(baseUrl, (opened) => {
    ({ device, page } = opened);
    page.on('worker', (w) => workers.push(w.url()));
  });

  it('creates a vault with the real Argon2id parameters', async () => {
    await page.goto(baseUrl);
    await createVaultInUi(page, PASSPHRASE);
    await page.getByPlaceholder('New notebook').waitFor();
    expect(workers.some((url) => url.includes('pwhash'))).toBe(true);
  });

  it('unlocks, and animation frames keep coming while Argon2id runs', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await startFrameLog(page);
    await page.waitForFunction(() => (window as unknown as { __frames: number[] }).__frames.length > 2);
    const clickedAt = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByPlaceholder('New notebook').waitFor();
    const doneAt = await page.evaluate(() => performance.now());
    const frames = await page.evaluate(() => (window as unknown as { __frames: number[] }).__frames);
    const during = frames.filter((t) => t > clickedAt && t < doneAt);
    const gaps = [clickedAt, ...during, doneAt].slice(1).map((t, i, all) => t - (i === 0 ? clickedAt : all[i - 1]!));
    const longest = Math.max(...gaps);
    console.log(
      `[unlock] ${(doneAt - clickedAt).toFixed(0)} ms from click to notebooks, ${during.length} frames delivered during it, longest gap between frames ${longest.toFixed(0)} ms`,
    );
    expect(during.length).toBeGreaterThan(0);
    expect(workers.filter((url) => url.includes('pwhash'))).toHaveLength(2); // one per page load
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
