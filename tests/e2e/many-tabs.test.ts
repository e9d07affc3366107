import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addNotebook, createVaultInUi, submitNewVault } from './harness/app-flows.ts';
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
    expect(await lockedSoon(device, tabA)).toBe(true);
    expect(await lockedSoon(device, tabB)).toBe(true);
  });

  it('the clock set back two days after the last activity: the tabs still lock once the minute has passed', async () => {
    await unlockTab(tabA);
    await unlockTab(tabB);
    await device.context.clock.setSystemTime(Date.now() - 2 * 86_400_000);
    await stepClock(device, tabA, 65_000);
    expect(await lockedSoon(device, tabA)).toBe(true);
    expect(await lockedSoon(device, tabB)).toBe(true);
  });

  it('threw no page error and made no request to any other origin', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});

/**
 * Moves the page clock on by `ms` a second at a time, letting the tabs' messages (real time)
 * through between steps, as when their clocks move together in a browser.
 */
async function stepClock(device: GuardedContext, page: Page, ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 1_000) {
    await device.context.clock.runFor(1_000);
    await page.waitForTimeout(20);
  }
}

/**
 * Whether `page` shows the unlock screen, after moving the page clock on a second. Playwright
 * moves each tab's clock in turn, so a tab whose minute ran out may ask another that is still
 * seconds behind, get "idle 40 s" and wait on; in a browser the tabs' clocks move together.
 * The nudge (at most 30 s over the minute in all) lets the asking settle as it would there.
 */
async function lockedSoon(device: GuardedContext, page: Page): Promise<boolean> {
  for (let nudges = 0; nudges < 30; nudges++) {
    if (await showsUnlock(page)) return true;
    // The tabs' messages travel in real time; the page clock stands still meanwhile.
    await page.waitForTimeout(300);
    await device.context.clock.runFor(1_000);
  }
  return showsUnlock(page);
}

/** Tries a secret on the unlock screen: 'opens', or the alert it shows. */
async function tryUnlock(page: Page, secret: { passphrase: string } | { recoveryKey: string }): Promise<string> {
  await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
  const toRecovery = page.getByRole('button', { name: 'Forgot your passphrase? Use the recovery key' });
  const toPassphrase = page.getByRole('button', { name: 'Use my passphrase instead' });
  if ('recoveryKey' in secret) {
    if (await toRecovery.count()) await toRecovery.click();
    await page.getByLabel('Recovery key').fill(secret.recoveryKey);
  } else {
    if (await toPassphrase.count()) await toPassphrase.click();
    await page.getByLabel('Passphrase').fill(secret.passphrase);
  }
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  const opened = page.getByRole('button', { name: NOTEBOOK, exact: true });
  const alert = page.locator('#unlock-title ~ [role="alert"]');
  await opened.or(page.getByRole('button', { name: 'Unlocking…' })).first().waitFor();
  await opened.or(alert.filter({ hasText: /not right/ })).first().waitFor({ timeout: 60_000 });
  return (await opened.count()) > 0 ? 'opens' : ((await alert.textContent()) ?? '');
}

/** Settings → Security → a new recovery key, confirmed saved; returns it. */
async function newRecoveryKey(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Create a new recovery key…' }).click();
  await page.getByRole('button', { name: 'Replace my recovery key' }).click();
  await page.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
  const key = (await page.getByTestId('recovery-key').textContent())?.trim() ?? '';
  await page.getByLabel('I saved my recovery key somewhere safe').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Back to notebooks' }).click();
  return key;
}

/** Settings → Security → change the passphrase: 'changed', or 'locked' when the tab found its header stale. */
async function changePassphrase(page: Page, from: string, to: string): Promise<'changed' | 'locked'> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Current passphrase').fill(from);
  await page.getByLabel('New passphrase', { exact: true }).fill(to);
  await page.getByLabel('Repeat new passphrase').fill(to);
  await page.getByRole('button', { name: 'Change passphrase' }).click();
  const changed = page.getByText('Passphrase changed.');
  const locked = page.getByRole('heading', { name: 'Unlock Obscura' });
  await changed.or(locked).first().waitFor({ timeout: 60_000 });
  if (await locked.isVisible()) return 'locked';
  await page.getByRole('button', { name: 'Back to notebooks' }).click();
  return 'changed';
}

describe('many tabs, one session: a stale tab cannot revert the vault header (Chromium, two tabs of one profile)', () => {
  let browser: Browser;
  let device: GuardedContext;
  let tabA: Page;
  let tabB: Page;
  /** The recovery key and passphrase that should open the vault now. */
  let recoveryKey = '';
  let passphrase = PASSPHRASE;
  const baseUrl = inject('baseUrl');

  beforeAll(async () => {
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl);
    tabA = await device.newPage();
    await tabA.goto(baseUrl);
    await submitNewVault(tabA, PASSPHRASE);
    await tabA.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
    recoveryKey = (await tabA.getByTestId('recovery-key').textContent())?.trim() ?? '';
    await tabA.getByLabel('I saved my recovery key somewhere safe').check();
    await tabA.getByRole('button', { name: 'Continue' }).click();
    await addNotebook(tabA, NOTEBOOK);
    tabB = await device.newPage();
    await tabB.goto(baseUrl);
    await unlockTab(tabB);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('tab A makes a new recovery key, then tab B changes the passphrase: the old recovery key stays revoked; the new key opens, and the passphrase B set if B stored it', async () => {
    const fresh = await newRecoveryKey(tabA);
    const outcome = await changePassphrase(tabB, PASSPHRASE, 'typed in tab B after the new key');
    console.log(`[many-tabs] tab B's passphrase change after tab A's new recovery key: ${outcome}`);
    if (!(await showsUnlock(tabA))) await tabA.getByRole('button', { name: 'Lock the vault' }).click();
    expect(await tryUnlock(tabA, { recoveryKey })).toMatch(/recovery key is not right/);
    expect(await tryUnlock(tabA, { recoveryKey: fresh })).toBe('opens');
    await tabA.getByRole('button', { name: 'Lock the vault' }).click();
    if (outcome === 'changed') passphrase = 'typed in tab B after the new key';
    expect(await tryUnlock(tabA, { passphrase })).toBe('opens');
    recoveryKey = fresh;
  });

  it('the same with tab B frozen while tab A made the new key: the key it replaced stays revoked', async () => {
    if (await showsUnlock(tabB)) await unlockTab(tabB, { passphrase });
    const cdpB = await device.context.newCDPSession(tabB);
    await cdpB.send('Page.setWebLifecycleState', { state: 'frozen' });
    const fresh = await newRecoveryKey(tabA);
    await cdpB.send('Page.setWebLifecycleState', { state: 'active' });
    const outcome = (await showsUnlock(tabB)) ? 'locked' : await changePassphrase(tabB, passphrase, 'typed in tab B after it was frozen');
    console.log(`[many-tabs] tab B, frozen while tab A made a new recovery key, then changing the passphrase: ${outcome}`);
    if (!(await showsUnlock(tabA))) await tabA.getByRole('button', { name: 'Lock the vault' }).click();
    expect(await tryUnlock(tabA, { recoveryKey })).toMatch(/recovery key is not right/);
    expect(await tryUnlock(tabA, { recoveryKey: fresh })).toBe('opens');
  });

  it('threw no page error and made no request to any other origin', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});

describe('many tabs, one session: another tab\'s import is not failed (Chromium, two tabs of one profile)', () => {
  const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
  const COUNT = 40;
  let browser: Browser;
  let device: GuardedContext;
  let tabA: Page;
  let tabB: Page;
  let bigPhotos: Buffer[] = [];
  /** Files on disk: a page takes at most 50 MB of files as buffers. */
  const dir = mkdtempSync(join(tmpdir(), 'obscura-tab-import-'));
  const baseUrl = inject('baseUrl');

  beforeAll(async () => {
    // 24 MP photos, so storing each takes a while and tab B opens the notebook mid-import.
    const fixtures = ['chelsea.jpg', 'coffee.jpg', 'astronaut.jpg', 'motorcycle_left.jpg'].map((name) => readFileSync(join(PHOTOS, name)));
    bigPhotos = await Promise.all(fixtures.map((f) => sharp(f).resize(6000, 4000, { fit: 'fill' }).jpeg({ quality: 92 }).toBuffer()));
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl);
    // ?debug=notes (e2e build only): each tab's copy of the open notebook can be read.
    tabA = await device.newPage();
    await tabA.goto(`${baseUrl}?debug=notes`);
    await createVaultInUi(tabA, PASSPHRASE);
    await addNotebook(tabA, 'Elsewhere');
    await addNotebook(tabA, NOTEBOOK);
    tabB = await device.newPage();
    await tabB.goto(`${baseUrl}?debug=notes`);
    await unlockTab(tabB);
    await tabB.getByRole('button', { name: 'Elsewhere', exact: true }).click();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('while tab A imports, tab B reopens the notebook: B marks none of A\'s photos failed, and every photo ends stored in both tabs', async () => {
    const titles = Array.from({ length: COUNT }, (_, i) => `tab-import-${String(i).padStart(2, '0')}`);
    /** How many of the photos are in each tagging state, in that tab's copy of the notebook (e2e hook). */
    const states = async (page: Page): Promise<Record<string, number>> => {
      const all = await page.evaluate(() => window.__obscuraNotes?.taggingStates() ?? {});
      const counts: Record<string, number> = {};
      for (const t of titles) counts[all[t] ?? 'absent'] = (counts[all[t] ?? 'absent'] ?? 0) + 1;
      return counts;
    };
    await tabB.getByRole('button', { name: NOTEBOOK, exact: true }).click();
    await tabB.waitForFunction(() => window.__obscuraNotes !== undefined);
    const files = titles.map((t, i) => {
      const path = join(dir, `${t}.jpg`);
      writeFileSync(path, bigPhotos[i % bigPhotos.length] as Buffer);
      return path;
    });
    await tabA.locator('#photo-files').setInputFiles(files);
    // Tab B has A's notes, still importing, in its copy of the notebook (the tabs sync).
    await expect.poll(async () => (await states(tabB)).importing ?? 0, { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    // Reopen: another notebook, then this one again (its notes pane looks for interrupted imports when it opens).
    await tabB.getByRole('button', { name: 'Elsewhere', exact: true }).click();
    await tabB.getByRole('button', { name: NOTEBOOK, exact: true }).click();
    await tabB.waitForFunction(() => window.__obscuraNotes !== undefined);
    const atReopen = await states(tabA);
    console.log(`[many-tabs] tab B reopened the notebook while tab A had ${JSON.stringify(atReopen)}`);
    expect(atReopen.importing ?? 0, 'the import ended before tab B reopened the notebook: nothing was tested').toBeGreaterThan(0);
    // Until tab A has stored every photo, and a while after (tab B's marks would reach A over the tabs' sync).
    let doneAt: number | undefined;
    for (const started = Date.now(); ; ) {
      const [a, b] = [await states(tabA), await states(tabB)];
      expect(b.failed ?? 0, `failed in tab B: ${JSON.stringify(b)}`).toBe(0);
      expect(a.failed ?? 0, `failed in tab A: ${JSON.stringify(a)}`).toBe(0);
      if (doneAt === undefined && (a.queued ?? 0) + (a.done ?? 0) === COUNT) doneAt = Date.now();
      if (doneAt !== undefined && Date.now() - doneAt > 5_000) break;
      if (Date.now() - started > 180_000) throw new Error(`tab A did not finish importing in 3 minutes: ${JSON.stringify(a)}`);
      await tabA.waitForTimeout(250);
    }
    const b = await states(tabB);
    expect((b.queued ?? 0) + (b.done ?? 0), `tab B: ${JSON.stringify(b)}`).toBe(COUNT);
  });

  it('threw no page error and made no request to any other origin', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});

describe('many tabs, one session: settings (Chromium, two tabs of one profile)', () => {
  let browser: Browser;
  let device: GuardedContext;
  let tabA: Page;
  let tabB: Page;
  const baseUrl = inject('baseUrl');

  beforeAll(async () => {
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl);
    tabA = await device.newPage();
    await tabA.goto(baseUrl);
    await createVaultInUi(tabA, PASSPHRASE);
    await addNotebook(tabA, NOTEBOOK);
    tabB = await device.newPage();
    await tabB.goto(baseUrl);
    await unlockTab(tabB);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('tab A sets auto-lock to 1 minute, then tab B (unlocked before) turns OCR off: the stored auto-lock stays 1 minute, and B shows it', async () => {
    await tabA.getByRole('button', { name: 'Settings' }).click();
    await tabA.getByLabel('Lock when idle').selectOption({ label: 'After 1 minute' });
    await tabA.getByText('Saved', { exact: true }).waitFor();
    await tabB.getByRole('button', { name: 'Settings' }).click();
    await tabB.getByLabel('Read text in photos (OCR)').uncheck();
    await tabB.getByText('Saved', { exact: true }).waitFor();
    expect.soft(await tabB.getByLabel('Lock when idle').inputValue(), 'what tab B shows').toBe('1');
    // What is stored: read again by a fresh unlock.
    await tabA.getByRole('button', { name: 'Lock the vault' }).first().click();
    if (!(await showsUnlock(tabA))) await tabA.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    await unlockTab(tabA);
    await tabA.getByRole('button', { name: 'Settings' }).click();
    expect(await tabA.getByLabel('Lock when idle').inputValue(), 'stored auto-lock').toBe('1');
    expect(await tabA.getByLabel('Read text in photos (OCR)').isChecked(), 'stored OCR').toBe(false);
  });

  it('threw no page error and made no request to any other origin', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
