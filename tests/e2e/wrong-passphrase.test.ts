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

const alerts = (page: Page) => page.evaluate(() => (window as unknown as { __alerts: string[] }).__alerts);

describe('wrong passphrase, many times (Chromium)', () => {
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');
  pageForSuite(baseUrl, (opened) => ({ device, page } = opened));

  it('E_PASSPHRASE: every wrong passphrase gets the same clear message, then the right one unlocks', async () => {
    await page.goto(baseUrl);
    await createVaultInUi(page, PASSPHRASE);
    await page.getByPlaceholder('New notebook').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    await countAlerts(page);

    const unlock = page.getByRole('button', { name: 'Unlock', exact: true });
    for (const [i, wrong] of WRONG.entries()) {
      await page.getByLabel('Passphrase').fill(wrong);
      await unlock.click();
      await expect.poll(async () => (await alerts(page)).length).toBe(i + 1);
      await unlock.waitFor(); // not "Unlocking…" any more
      expect(await page.getByRole('heading', { name: 'Unlock Obscura' }).count()).toBe(1);
    }
    const shown = await alerts(page);
    expect(shown).toHaveLength(WRONG.length);
    for (const text of shown) expect(text).toContain('That passphrase is not right');
    await screenshot(page, 'wrong-passphrase-repeated');

    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await unlock.click();
    await page.getByPlaceholder('New notebook').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
