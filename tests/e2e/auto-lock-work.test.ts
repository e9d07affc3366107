import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addNotebook, createVaultInUi } from './harness/app-flows.ts';
import { guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';
import { allCardStates, noteCard, unlockAndOpen } from './harness/photo-notes.ts';
import type { Browser } from 'playwright-core';

const PASSPHRASE = 'work in progress is activity';
const NOTEBOOK = 'Imports';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
/** Real photos the models label (a label chip is how a card shows it was tagged), under new names. */
const SOURCES = ['chelsea.jpg', 'coffee.jpg', 'astronaut.jpg', 'motorcycle_left.jpg', 'chelsea.jpg', 'coffee.jpg'].map((f) => readFileSync(join(FIXTURES, f)));
const photos = (prefix: string) => SOURCES.map((buffer, i) => ({ name: `${prefix}-${i}.jpg`, mimeType: 'image/jpeg', buffer }));
const PHOTOS = SOURCES.length;

const showsUnlock = (page: Page) => page.getByRole('heading', { name: 'Unlock Obscura' }).isVisible();
/** Titles (file names without extension) of the notes whose import or tagging has not ended. */
const unfinished = async (page: Page, prefix: string) => [...(await allCardStates(page, 0))].filter(([t, s]) => t.startsWith(prefix) && s !== 'tagged' && s !== 'failed');
/** How many times tagging wrote each note's results (the e2e build counts them: tagging-service.ts). */
const tagWrites = (page: Page) => page.evaluate(() => ({ ...((globalThis as { __obscuraTagWrites?: Record<string, number> }).__obscuraTagWrites ?? {}) }));

/**
 * Auto-lock never loses work (issue 13 §3): an import and its tagging count as activity, so
 * the idle lock waits for them; a lock that comes anyway (manual) stops the queue cleanly and
 * it resumes after unlock, every photo stored and tagged once.
 */
describe('auto-lock and work in progress (Chromium, page clock, real models)', () => {
  let browser: Browser;
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');

  beforeAll(async () => {
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl);
    await device.context.clock.install();
    // Whole milliseconds, as a real Date.now() (see many-tabs.test.ts).
    await device.context.addInitScript(() => {
      const now = Date.now.bind(Date);
      Date.now = () => Math.floor(now());
    });
    page = await device.newPage();
    await page.goto(baseUrl);
    await createVaultInUi(page, PASSPHRASE);
    await addNotebook(page, NOTEBOOK);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Lock when idle').selectOption({ label: 'After 1 minute' });
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Back to notebooks' }).click();
    await page.getByRole('button', { name: 'Import photos' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('a 1-minute auto-lock does not lock while a long import runs, and locks a minute after it ends', async () => {
    await page.locator('#photo-files').setInputFiles(photos('long'));
    // 70 s of page time with no input while the photos are stored and tagged.
    for (let s = 10; s <= 70; s += 10) {
      await device.context.clock.runFor(10_000);
      await page.waitForTimeout(100);
      expect(await showsUnlock(page), `locked ${s} s into the import`).toBe(false);
      if ((await unfinished(page, 'long')).length === 0) throw new Error(`the import ended ${s} s in: too short to prove anything`);
    }
    await expect.poll(async () => (await unfinished(page, 'long')).length, { timeout: 240_000, interval: 1_000 }).toBe(0);
    await device.context.clock.runFor(30_000);
    expect(await showsUnlock(page), 'locked 30 s after the import ended').toBe(false);
    await device.context.clock.runFor(35_000);
    await expect.poll(() => showsUnlock(page), { timeout: 10_000 }).toBe(true);
  });

  it('a manual lock during an import, then unlock: every photo ends stored and tagged exactly once', async () => {
    await unlockAndOpen(page, PASSPHRASE, NOTEBOOK);
    const before = await tagWrites(page);
    await page.locator('#photo-files').setInputFiles(photos('cut'));
    // Lock as soon as the notes are listed: the photos are being stored.
    await noteCard(page, 'cut-0').waitFor();
    await page.getByRole('button', { name: 'Lock the vault' }).click();
    await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    await unlockAndOpen(page, PASSPHRASE, NOTEBOOK);
    await expect.poll(async () => (await unfinished(page, 'cut')).length, { timeout: 240_000, interval: 1_000 }).toBe(0);
    const states = [...(await allCardStates(page))].filter(([t]) => t.startsWith('cut'));
    expect(states.map(([t]) => t).sort()).toEqual(Array.from({ length: PHOTOS }, (_, i) => `cut-${i}`));
    expect(states.filter(([, s]) => s !== 'tagged'), 'photos not stored and tagged').toEqual([]);
    const after = await tagWrites(page);
    const writes = Object.entries(after).filter(([id]) => !(id in before)).map(([, n]) => n);
    expect(writes, 'tag writes per new photo').toEqual(Array.from({ length: PHOTOS }, () => 1));
  });

  it('threw no page error and made no request to any other origin', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
