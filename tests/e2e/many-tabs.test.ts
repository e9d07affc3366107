import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addNotebook, createVaultInUi } from './harness/app-flows.ts';
import { guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';

const PASSPHRASE = 'one person, many tabs';
const NOTEBOOK = 'Tabs';
const MARKER = `TAB-MARKER-${Date.now().toString(36)}`;

/** Unlocks a tab showing the unlock screen and waits for the notebook list. */
async function unlockTab(page: Page, secret: { passphrase: string } | { recoveryKey: string } = { passphrase: PASSPHRASE }): Promise<void> {
  await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
  if ('recoveryKey' in secret) {
    await page.getByRole('button', { name: 'Forgot your passphrase? Use the recovery key' }).click();
    await page.getByLabel('Recovery key').fill(secret.recoveryKey);
  } else {
    await page.getByLabel('Passphrase').fill(secret.passphrase);
  }
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await page.getByRole('button', { name: NOTEBOOK, exact: true }).waitFor();
}

const showsUnlock = (page: Page) => page.getByRole('heading', { name: 'Unlock Obscura' }).isVisible();

/** Unlocks the tab unless it is unlocked already (a test before may have left it either way). */
async function ensureUnlocked(page: Page): Promise<void> {
  await page.locator('h1#unlock-title, button[aria-label="Lock the vault"]').first().waitFor();
  if (await showsUnlock(page)) await unlockTab(page);
}

/**
 * Many tabs of one profile are one session (issue 18 §3): one browser context (one profile:
 * one IndexedDB, one BroadcastChannel, one navigator.locks), two pages on the built app.
 */
describe('many tabs, one session: lock (Chromium, two tabs of one profile)', () => {
  let browser: Browser;
  let device: GuardedContext;
  let tabA: Page;
  let tabB: Page;
  let cdpB: CDPSession;
  const baseUrl = inject('baseUrl');

  beforeAll(async () => {
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl);
    tabA = await device.newPage();
    await tabA.goto(baseUrl);
    await createVaultInUi(tabA, PASSPHRASE);
    await addNotebook(tabA, NOTEBOOK);
    await tabA.getByRole('button', { name: 'New note' }).click();
    await tabA.getByLabel('Title').fill(MARKER);
    await tabA.getByText('Saved', { exact: true }).waitFor();
    tabB = await device.newPage();
    cdpB = await device.context.newCDPSession(tabB);
    await tabB.goto(baseUrl);
    await unlockTab(tabB);
    await tabB.locator(`.note-list li[data-note-title="${MARKER}"]`).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('locking one tab locks every tab: the other shows the unlock screen and no note', async () => {
    await tabA.getByRole('button', { name: 'Lock the vault' }).click();
    await tabA.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    await expect.poll(() => showsUnlock(tabB), { timeout: 5_000 }).toBe(true);
    expect(await tabB.getByText(MARKER).count()).toBe(0);
  });

  it('a tab frozen while another locked (its page lifecycle state frozen) shows no note once it runs again', async () => {
    await ensureUnlocked(tabA);
    await ensureUnlocked(tabB);
    await tabB.locator(`.note-list li[data-note-title="${MARKER}"]`).waitFor();
    await cdpB.send('Page.setWebLifecycleState', { state: 'frozen' });
    await tabA.getByRole('button', { name: 'Lock the vault' }).click();
    await tabA.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    await cdpB.send('Page.setWebLifecycleState', { state: 'active' });
    await expect.poll(() => showsUnlock(tabB), { timeout: 5_000 }).toBe(true);
    expect(await tabB.getByText(MARKER).count()).toBe(0);
  });

  it('threw no page error and made no request to any other origin', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});

describe('many tabs, one session: auto-lock counts every tab, on a monotonic clock (Chromium, page clock)', () => {
  let browser: Browser;
  let device: GuardedContext;
  let tabA: Page;
  let tabB: Page;
  const baseUrl = inject('baseUrl');

  beforeAll(async () => {
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl);
    // Installed before the app loads: every tab's timers, Date and performance.now follow the test's clock.
    await device.context.clock.install();
    // A real Date.now() is whole milliseconds; the page clock's follows performance.now() and
    // is not, which the relay write token's u64 time refuses. Made whole, as in a real browser.
    await device.context.addInitScript(() => {
      const now = Date.now.bind(Date);
      Date.now = () => Math.floor(now());
    });
    tabA = await device.newPage();
    await tabA.goto(baseUrl);
    await createVaultInUi(tabA, PASSPHRASE);
    await addNotebook(tabA, NOTEBOOK);
    await tabA.getByRole('button', { name: 'Settings' }).click();
    await tabA.getByLabel('Lock when idle').selectOption({ label: 'After 1 minute' });
    await tabA.getByText('Saved', { exact: true }).waitFor();
    await tabA.getByRole('button', { name: 'Back to notebooks' }).click();
    await tabA.getByRole('button', { name: NOTEBOOK, exact: true }).click();
    await tabA.getByRole('button', { name: 'New note' }).click();
    // Tab B unlocks after the setting was stored, so it reads the same minute.
    tabB = await device.newPage();
    await tabB.goto(baseUrl);
    await unlockTab(tabB);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('typing in tab A keeps tab B unlocked past its minute; with no activity in any tab, both lock', async () => {
    for (let i = 0; i < 3; i++) {
      await device.context.clock.runFor(40_000);
      expect(await showsUnlock(tabA), `tab A locked ${40 * (i + 1)} s in, ${i === 0 ? 'before any key' : '40 s after its last key'}`).toBe(false);
      await tabA.getByLabel('Title').fill(`typed in tab A, ${i}`);
      // The tabs' messages travel in real time; the page clock stands still meanwhile.
      await tabA.waitForTimeout(200);
    }
    // 120 s since anything happened in tab B, 0 s since tab A's last key.
    expect(await showsUnlock(tabB)).toBe(false);
    expect(await showsUnlock(tabA)).toBe(false);
    await device.context.clock.runFor(40_000);
    expect(await showsUnlock(tabB)).toBe(false);
    await device.context.clock.runFor(25_000);
    await expect.poll(() => showsUnlock(tabA), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => showsUnlock(tabB), { timeout: 10_000 }).toBe(true);
  });

  it('the clock set back two days after the last activity: the tabs still lock once the minute has passed', async () => {
    await unlockTab(tabA);
    await unlockTab(tabB);
    await device.context.clock.setSystemTime(Date.now() - 2 * 86_400_000);
    await device.context.clock.runFor(65_000);
    await expect.poll(() => showsUnlock(tabA), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => showsUnlock(tabB), { timeout: 10_000 }).toBe(true);
  });

  it('threw no page error and made no request to any other origin', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
