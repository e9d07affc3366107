import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { screenshot, type GuardedContext } from './harness/browser.ts';
import { createVaultInUi } from './harness/app-flows.ts';
import { pageForSuite } from './harness/page-for-suite.ts';

const PASSPHRASE = 'the one right passphrase';
const WRONG = ['the one right passphrasE', 'wrong', ' the one right passphrase', 'the one right passphrase ', 'ünïcode wrong'];

/** Counts every error alert the page inserts, so one shown per attempt is visible (not one left over). */
function countAlerts(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __alerts: string[] };
    w.__alerts = [];
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n instanceof HTMLElement && n.getAttribute('role') === 'alert') w.__alerts.push(n.textContent ?? '');
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
}

/** Seconds the unlock screen holds the button after the 1st, 2nd, … wrong secret (sync/tabs/unlock-wait.ts). */
const WAIT_AFTER_S = [0, 0, 2, 4, 8];

/** Which field has focus, and what of its text is selected. */
const fieldFocus = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el instanceof HTMLInputElement ? { id: el.id, start: el.selectionStart, end: el.selectionEnd } : { id: el?.tagName ?? null, start: null, end: null };
  });

const alerts = (page: Page) => page.evaluate(() => (window as unknown as { __alerts: string[] }).__alerts);

describe('wrong passphrase, many times (Chromium)', () => {
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');
  pageForSuite(baseUrl, (opened) => ({ device, page } = opened));

  it('E_PASSPHRASE: every wrong passphrase gets the same clear message with the field focused and its text selected; from the third on, a growing wait (a countdown, kept across a reload) holds the Unlock button; then the right one unlocks', async () => {
    // Installed before the app loads, so the wait can be run out without sleeping.
    await device.context.clock.install();
    // Whole milliseconds, as a real Date.now() gives (the relay write token's u64 time needs them).
    await device.context.addInitScript(() => {
      const now = Date.now.bind(Date);
      Date.now = () => Math.floor(now());
    });
    await page.goto(baseUrl);
    await createVaultInUi(page, PASSPHRASE);
    await page.getByPlaceholder('New notebook').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    await countAlerts(page);

    const unlock = page.getByRole('button', { name: 'Unlock', exact: true });
    const countdown = page.getByText(/Try again in \d+ s/);
    /** Alerts counted before the reload (the counter starts again with the page). */
    let earlier: string[] = [];
    for (const [i, wrong] of WRONG.entries()) {
      await page.getByLabel('Passphrase').fill(wrong);
      await unlock.click();
      // Argon2id takes a second or more on a busy machine.
      await expect.poll(async () => earlier.length + (await alerts(page)).length, { timeout: 30_000 }).toBe(i + 1);
      expect(await page.getByRole('heading', { name: 'Unlock Obscura' }).count()).toBe(1);
      // The person can retype at once: focus is back in the field, all of what they typed selected.
      await expect.poll(() => fieldFocus(page)).toEqual({ id: 'secret', start: 0, end: wrong.length });
      const wait = WAIT_AFTER_S[i] ?? 0;
      if (wait === 0) {
        expect(await countdown.count()).toBe(0);
        expect(await unlock.isEnabled()).toBe(true);
        continue;
      }
      // The clock flows: the count may already be a second down.
      await expect.poll(async () => Number(/(\d+)/.exec((await countdown.textContent()) ?? '')?.[1])).toBeGreaterThan(wait - 2);
      expect(Number(/(\d+)/.exec((await countdown.textContent()) ?? '')?.[1])).toBeLessThanOrEqual(wait);
      expect(await unlock.isDisabled()).toBe(true);
      if (i === 2) {
        // A reload does not skip the wait.
        earlier = await alerts(page);
        await page.reload();
        await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
        await countAlerts(page);
        await expect.poll(() => countdown.count()).toBe(1);
        expect(await unlock.isDisabled()).toBe(true);
      }
      await device.context.clock.runFor(wait * 1000 + 500);
      await expect.poll(() => unlock.isEnabled()).toBe(true);
      expect(await countdown.count()).toBe(0);
    }
    const shown = [...earlier, ...(await alerts(page))];
    expect(shown).toHaveLength(WRONG.length);
    for (const text of shown) expect(text).toContain('That passphrase is not right');
    await screenshot(page, 'wrong-passphrase-repeated');

    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await unlock.click();
    await page.getByPlaceholder('New notebook').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);

    // Unlocking cleared the count: the next wrong passphrase waits for nothing.
    await page.reload();
    await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    await page.getByLabel('Passphrase').fill(WRONG[0] ?? 'wrong');
    await unlock.click();
    await page.getByRole('alert').waitFor();
    expect(await countdown.count()).toBe(0);
    expect(await unlock.isEnabled()).toBe(true);
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
