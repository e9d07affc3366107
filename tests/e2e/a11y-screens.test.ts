import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { guardedContext, launchChromium, screenshot, type GuardedContext } from './harness/browser.ts';
import { submitNewVault } from './harness/app-flows.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const PASSPHRASE = 'correct horse battery staple';
const SIZES = [
  { width: 1280, height: 800 },
  { width: 375, height: 812 },
] as const;
const TAG_TIMEOUT = 90_000;

interface Finding {
  readonly screen: string;
  readonly size: number;
  readonly rule: string;
  readonly impact: string;
  readonly targets: string[];
}

type AxeResults = { violations: { id: string; impact?: string | null; nodes: { target: unknown[] }[] }[]; passes: unknown[] };

/**
 * Runs axe-core (WCAG 2.1 A/AA and best practices) on the page at both sizes, saves a
 * screenshot of each, and returns every violation, whatever its impact (issue 13 §3: none at either width). axe is injected
 * through the DevTools protocol (page.evaluate), which the page's CSP does not govern.
 */
async function audit(page: Page, screen: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
    const results = (await page.evaluate(() =>
      (window as unknown as { axe: { run(c: Document, o: object): Promise<unknown> } }).axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      }),
    )) as AxeResults;
    // An axe that checked nothing would pass anything.
    expect(results.passes.length).toBeGreaterThan(10);
    for (const v of results.violations) {
      findings.push({ screen, size: size.width, rule: v.id, impact: v.impact ?? 'unknown', targets: v.nodes.map((n) => JSON.stringify(n.target)) });
    }
    await screenshot(page, `a11y-${screen}-${size.width}`);
  }
  await page.setViewportSize(SIZES[0]);
  return findings;
}

/** Escape closes open suggestions; with none open it would empty the box, so only then. */
async function closeSuggestions(page: Page): Promise<void> {
  const box = page.getByLabel('Search notes', { exact: true });
  if ((await box.getAttribute('aria-expanded')) === 'true') await box.press('Escape');
}

describe('accessibility of every screen at 1280 and 375 px (axe-core, built app, Chromium)', () => {
  let browser: Browser;
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');
  const all: Finding[] = [];
  const check = async (screen: string) => {
    const found = await audit(page, screen);
    all.push(...found);
    expect(found, `${screen}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
  };

  beforeAll(async () => {
    // The fake camera lets the capture dialog be audited too.
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    device = await guardedContext(browser, baseUrl);
    page = await device.newPage();
  });

  afterAll(async () => {
    console.log(`axe findings: ${all.length}`);
    await browser?.close();
  });

  it('setup and recovery key', async () => {
    await page.goto(baseUrl);
    await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
    await check('setup');
    const linkDevice = page.getByRole('button', { name: 'Link to my other device' });
    if ((await linkDevice.count()) > 0) {
      await linkDevice.click();
      await page.getByRole('heading', { name: 'Link to my other device' }).waitFor();
      await check('link-device');
      await page.getByRole('button', { name: 'Create a new vault instead' }).click();
      await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
    }
    await submitNewVault(page, PASSPHRASE);
    await page.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
    await check('recovery-key');
  });

  it('notebooks (empty), an empty notebook, and a note made by keyboard only', async () => {
    await page.getByLabel('I saved my recovery key somewhere safe').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByPlaceholder('New notebook').waitFor();
    await check('notebooks-empty');
    // Keyboard: type a name, Enter submits; Tab reaches "New note", Enter makes a note.
    await page.getByPlaceholder('New notebook').focus();
    await page.keyboard.type('Trips');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Import photos' }).waitFor();
    await check('notes-empty');
    const editNotebook = page.getByRole('button', { name: 'Edit notebook' });
    if ((await editNotebook.count()) > 0) {
      await editNotebook.click();
      await check('notebook-editor');
      await editNotebook.click();
    }
    await page.getByRole('button', { name: 'New note' }).waitFor();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent?.trim() === 'New note');
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByLabel('Title').waitFor();
    await page.getByLabel('Title').focus();
    await page.keyboard.type('Lisbon by keyboard');
    await page.locator('.note-list li[data-note-title="Lisbon by keyboard"]').waitFor();
  });

  it('notes grid with a photo, the note view, and search results', async () => {
    await page.locator('#photo-files').setInputFiles([{ name: 'chelsea.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(PHOTOS, 'chelsea.jpg')) }]);
    await page.locator('.note-list li[data-note-title="chelsea"] .mini-chip', { hasText: /^cat$/ }).waitFor({ timeout: TAG_TIMEOUT });
    await check('notes-grid');
    await page.locator('.note-list li[data-note-title="chelsea"]').getByRole('button').click();
    await page.locator('.photo-frame img').waitFor();
    await check('note-view');
    await page.getByLabel('Search notes', { exact: true }).fill('cat');
    await page.locator('.search-results[data-query="cat"] li[data-note-title="chelsea"]').waitFor();
    await closeSuggestions(page);
    await page.locator('.search-results[data-query="cat"]').waitFor();
    await check('search-results');
    // Keyboard: Tab from the box reaches the result, Enter opens it.
    await page.getByLabel('Search notes', { exact: true }).fill('lisbon');
    await page.locator('.search-results[data-query="lisbon"] li[data-note-title="Lisbon by keyboard"]').waitFor();
    let onResult = false;
    for (let i = 0; i < 10 && !onResult; i++) {
      await page.keyboard.press('Tab');
      onResult = await page.evaluate(() => document.activeElement?.closest('.search-results li') !== null);
    }
    expect(onResult).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel('Title').inputValue()).toBe('Lisbon by keyboard');
    await page.getByLabel('Search notes', { exact: true }).fill('');
  });

  it('camera dialog', async () => {
    await page.getByRole('button', { name: 'Take photo' }).click();
    const dialog = page.getByRole('dialog', { name: 'Take a photo' });
    await dialog.waitFor();
    await expect.poll(() => page.locator('.camera-dialog video').evaluate((v) => (v as HTMLVideoElement).videoWidth)).toBeGreaterThan(0);
    await check('camera');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('sync panel and settings, where the app has them', async () => {
    const sync = page.getByRole('button', { name: 'Sync', exact: true });
    if ((await sync.count()) > 0) {
      await sync.click();
      await page.getByRole('dialog').first().waitFor();
      await check('sync-panel');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').first().waitFor({ state: 'hidden' });
    }
    const settings = page.getByRole('button', { name: 'Settings', exact: true });
    if ((await settings.count()) > 0) {
      await settings.click();
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await check('settings');
      await page.getByRole('button', { name: 'Back to notebooks' }).click();
      await page.getByRole('button', { name: 'New note' }).waitFor();
    }
  });

  it('unlock', async () => {
    await page.getByRole('button', { name: 'Lock the vault' }).first().click();
    await page.getByRole('button', { name: 'Unlock' }).waitFor();
    await check('unlock');
    expect(device.foreignRequests).toEqual([]);
  });
});
