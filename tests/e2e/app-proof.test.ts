import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ARTIFACTS, guardedContext, launchChromium, screenshot, type GuardedContext } from './harness/browser.ts';
import { addNotebook, dropFile, searchTitles, submitNewVault, thumbnailsShown } from './harness/app-flows.ts';

/**
 * The proof, start to end, as a person does it: built app, real models, real
 * IndexedDB, one fresh browser context, every step through the UI. Screenshots of each
 * main screen at 1280x800 and 375x812 go to tests/artifacts/app-proof-*.png.
 */

const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const PASSPHRASE = 'correct horse battery staple';
/** "Edit a caption": the note's title is the caption the grid shows under each photo. */
const CAPTION = 'Chelsea asleep on the windowsill';
/** A line page.png reads (tests/unit/ml/ocr-models.test.ts reads it word by word). */
const OCR_LINE = 'background. These markers are pixels that we can label';
const TAG_TIMEOUT = 240_000;
/**
 * The motorcycle photo's labels left after the wrong ones are removed. Only the motorcycle
 * is a tag since issue 16: the "person" (0.28 on a box of 1% of the photo) is a "maybe".
 */
const KEPT = ['motorcycle'];

const photo = (name: string) => readFileSync(join(PHOTOS, name));
const note = (page: Page, title: string) => page.locator(`.note-list li[data-note-title="${title}"]`);

async function clearSearch(page: Page): Promise<void> {
  await page.getByLabel('Search notes', { exact: true }).fill('');
  await page.locator('.search-results').waitFor({ state: 'detached' });
}

/**
 * The screen as it is, at the desktop size and at a phone's; back to the desktop size after.
 * A modal dialog is as tall as the window (it scrolls inside), so it is shot as the window shows it.
 */
async function shoot(page: Page, name: string, modal = false): Promise<void> {
  const shot = (file: string) => (modal ? page.screenshot({ path: join(ARTIFACTS, `${file}.png`) }).then(() => undefined) : screenshot(page, file));
  await shot(`app-proof-${name}-1280`);
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(`app-proof-${name}-375`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function unlock(page: Page): Promise<void> {
  await page.getByLabel('Passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
}

describe('the issue proof: import, tag, search, edit, lock, offline (built app, real models, Chromium)', () => {
  let browser: Browser;
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');

  beforeAll(async () => {
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl);
    await device.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseUrl).origin });
    page = await device.newPage();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('first run: creates the vault, shows the recovery key, makes a notebook', async () => {
    await page.goto(baseUrl);
    await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
    await shoot(page, 'setup');
    await submitNewVault(page, PASSPHRASE);
    await page.getByLabel('I saved my recovery key somewhere safe').waitFor();
    await shoot(page, 'recovery-key');
    await page.getByLabel('I saved my recovery key somewhere safe').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await addNotebook(page, 'Home');
    await page.getByRole('button', { name: 'Import photos' }).waitFor();
  });

  it('imports three photos by the file chooser and one by drop; thumbnails at once, then tags with a progress bar', async () => {
    await page.locator('#photo-files').setInputFiles([
      { name: 'chelsea.jpg', mimeType: 'image/jpeg', buffer: photo('chelsea.jpg') },
      { name: 'coffee.jpg', mimeType: 'image/jpeg', buffer: photo('coffee.jpg') },
      { name: 'page.png', mimeType: 'image/png', buffer: photo('page.png') },
    ]);
    await dropFile(page, 'motorcycle_left.jpg', 'image/jpeg', photo('motorcycle_left.jpg'));
    for (const title of ['chelsea', 'coffee', 'page', 'motorcycle_left']) await note(page, title).waitFor();

    // Each photo is a note with its thumbnail while the queue is still tagging.
    await expect.poll(() => thumbnailsShown(page), { timeout: 30_000 }).toBe(4);
    const progress = page.locator('.tag-progress');
    expect(await progress.textContent()).toMatch(/Tagging \d of [34]/);
    expect(await progress.locator('progress').count()).toBe(1);
    await page.getByRole('button', { name: 'Pause' }).waitFor();

    // Done when the progress bar goes away; then every photo has what the models found.
    await progress.waitFor({ state: 'detached', timeout: TAG_TIMEOUT });
    await note(page, 'chelsea').locator('.mini-chip', { hasText: /^cat$/ }).waitFor();
    await note(page, 'coffee').locator('.mini-chip', { hasText: /^cup$/ }).waitFor();
    await note(page, 'motorcycle_left').locator('.mini-chip', { hasText: /^motorcycle$/ }).waitFor();
    await note(page, 'page').locator('.snippet', { hasText: 'markers' }).waitFor();
    expect(await page.locator('.note-list .error-text').count()).toBe(0);
    for (const title of ['chelsea', 'coffee', 'page', 'motorcycle_left']) {
      console.log(`${title}: ${(await note(page, title).locator('.mini-chip').allTextContents()).join(', ')}`);
    }
    await note(page, 'coffee').getByRole('button').first().click();
    await shoot(page, 'grid');
  }, TAG_TIMEOUT + 60_000);

  it('search: "cat", "animal", "cup", a word of page.png, and label:motorcycle picked as a chip', async () => {
    expect(await searchTitles(page, 'cat')).toEqual(['chelsea']);
    await note(page, 'chelsea').locator('.match-reason[data-field="label"] mark', { hasText: /^cat$/ }).waitFor();
    expect(await searchTitles(page, 'animal')).toEqual(['chelsea']);
    await note(page, 'chelsea').locator('.match-reason[data-field="broader"]', { hasText: '(animal)' }).waitFor();
    expect(await searchTitles(page, 'cup')).toEqual(['coffee']);
    expect(await searchTitles(page, 'vehicle')).toEqual(['motorcycle_left']);
    expect(await searchTitles(page, 'markers')).toEqual(['page']);
    await note(page, 'page').locator('.match-reason[data-field="ocr"] mark', { hasText: /^markers$/ }).waitFor();
    // Prefix and a typo: "pixel", "backgro" and "markrs" still find the page.
    expect(await searchTitles(page, 'pixel')).toEqual(['page']);
    expect(await searchTitles(page, 'backgro')).toEqual(['page']);
    expect(await searchTitles(page, 'markrs')).toEqual(['page']);

    // label:motorcycle, offered as a suggestion while typing and shown as a removable chip.
    const box = page.getByLabel('Search notes', { exact: true });
    await box.fill('');
    await box.pressSequentially('moto');
    await page.getByRole('option', { name: 'label:motorcycle' }).click();
    await expect.poll(() => box.inputValue()).toBe('label:motorcycle ');
    await expect.poll(() => page.locator('.search-results').getAttribute('data-query')).toBe('label:motorcycle ');
    await page.locator('.search-chips .chip', { hasText: 'label: motorcycle' }).waitFor();
    expect(await page.locator('.search-results > ul > li[data-note-title]').evaluateAll((li) => li.map((l) => l.getAttribute('data-note-title')))).toEqual(['motorcycle_left']);
    await shoot(page, 'search');
    await page.getByRole('button', { name: 'Remove filter label motorcycle' }).click();
    await page.locator('.search-results').waitFor({ state: 'detached' });
  });

  it('note view: boxes (toggle), confirm, remove and add labels by hand, copy the photo text, edit the caption', async () => {
    // The page's text, copyable.
    await note(page, 'page').getByRole('button').first().click();
    await expect.poll(() => page.getByTestId('ocr-text').textContent()).toContain(OCR_LINE);
    await page.getByRole('button', { name: 'Copy text' }).click();
    await page.getByText('Copied', { exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(OCR_LINE);
    await shoot(page, 'note-ocr');

    await note(page, 'chelsea').getByRole('button').first().click();
    await expect.poll(() => page.locator('.photo-frame img').evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(300);
    const boxes = page.locator('.photo-frame .label-box');
    expect(await boxes.count()).toBeGreaterThan(0);
    await page.getByLabel('Show detection boxes').uncheck();
    expect(await boxes.count()).toBe(0);
    await page.getByLabel('Show detection boxes').check();
    expect(await boxes.count()).toBeGreaterThan(0);

    // Confirm the model's "cat": it becomes the person's label, its box stays drawn.
    const cat = page.locator('.chips .chip', { has: page.locator('.chip-name', { hasText: /^cat$/ }) });
    expect(await cat.getAttribute('data-source')).toBe('model');
    await page.getByRole('button', { name: 'Confirm label cat' }).click();
    await expect.poll(() => cat.getAttribute('data-source')).toBe('user');
    expect(await cat.textContent()).toContain('confirmed');
    expect(await page.locator('.photo-frame .label-text', { hasText: /^cat / }).count()).toBeGreaterThan(0);

    // Add one by hand, offered from the label set while typing.
    expect(await page.locator('#add-label-options option[value="animal"]').count()).toBe(1);
    await page.getByLabel('New label').fill('Windowsill');
    await page.getByRole('button', { name: 'Tag', exact: true }).click();
    const mine = page.locator('.chips .chip[data-source="user"]', { hasText: 'windowsill' });
    await mine.waitFor();
    expect(await mine.textContent()).toContain('yours');

    // Remove the wrong ones: the motorcycle photo's model labels other than the motorcycle
    // (a hand-made one stands in when the models give none, as they do since issue 16).
    await page.getByText('Saved', { exact: true }).waitFor();
    await note(page, 'motorcycle_left').getByRole('button').first().click();
    const extra = (await page.locator('.chips .chip[data-source="model"] .chip-name').allTextContents()).filter((l) => !KEPT.includes(l));
    if (extra.length === 0) {
      await page.getByLabel('New label').fill('mistake');
      await page.getByRole('button', { name: 'Tag', exact: true }).click();
      extra.push('mistake');
    }
    for (const label of extra) await page.getByRole('button', { name: `Remove label ${label}`, exact: true }).click();
    await expect.poll(() => note(page, 'motorcycle_left').locator('.mini-chip').allTextContents()).toEqual(KEPT);
    console.log(`removed from motorcycle_left: ${extra.join(', ')}`);

    // The caption: chelsea's title, edited live; the card and the search follow.
    await note(page, 'chelsea').getByRole('button').first().click();
    await page.getByLabel('Title').fill(CAPTION);
    await note(page, CAPTION).waitFor();
    await page.getByText('Saved', { exact: true }).waitFor();
    expect(await searchTitles(page, 'windowsill')).toEqual([CAPTION]);
    await clearSearch(page);
    await shoot(page, 'note-view');
  });

  it('settings and the sync panel open', async () => {
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await page.getByRole('dialog', { name: /^Sync/ }).waitFor();
    await shoot(page, 'sync-panel', true);
    await page.getByRole('button', { name: 'Close sync panel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await shoot(page, 'settings');
    await page.getByRole('button', { name: 'Back to notebooks' }).click();
    await page.getByRole('button', { name: 'Import photos' }).waitFor();
  });

  const everythingStillThere = async () => {
    for (const title of [CAPTION, 'coffee', 'page', 'motorcycle_left']) await note(page, title).waitFor();
    await expect.poll(() => thumbnailsShown(page)).toBe(4);
    await note(page, 'coffee').locator('.mini-chip', { hasText: /^cup$/ }).waitFor();
    expect(await note(page, 'motorcycle_left').locator('.mini-chip').allTextContents()).toEqual(KEPT);
    // The card shows the person's labels (confirmed or hand-made) as theirs too.
    expect(await note(page, CAPTION).locator('.mini-chip[data-source="user"]').allTextContents()).toEqual(expect.arrayContaining(['cat', 'windowsill']));
    expect(await note(page, 'coffee').locator('.mini-chip[data-source="model"]', { hasText: /^cup$/ }).count()).toBe(1);
    await note(page, CAPTION).getByRole('button').first().click();
    await page.locator('.chips .chip[data-source="user"][data-confirmed]', { hasText: 'cat' }).waitFor();
    await page.locator('.chips .chip[data-source="user"]:not([data-confirmed])', { hasText: 'windowsill' }).waitFor();
    expect(await page.getByLabel('Title').inputValue()).toBe(CAPTION);
    expect(await searchTitles(page, 'cat')).toEqual([CAPTION]);
    expect(await searchTitles(page, 'markers')).toEqual(['page']);
    await clearSearch(page);
  };

  it('lock, unlock: all still there, the hand-made labels shown as the person\'s', async () => {
    await page.getByRole('button', { name: 'Lock the vault' }).click();
    await page.getByRole('button', { name: 'Unlock' }).waitFor();
    expect(await page.locator('.note-list').count()).toBe(0);
    await shoot(page, 'unlock');
    await unlock(page);
    await everythingStillThere();
  });

  it('reloads offline from the service worker, opens, unlocks, all still there', async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 90_000 });
    await device.context.setOffline(true);
    expect(await page.evaluate(() => fetch('/no-such-file', { cache: 'no-store' }).then(() => 'answered', () => 'unreachable'))).toBe('unreachable');
    await page.reload();
    await page.getByRole('button', { name: 'Unlock' }).waitFor();
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    await unlock(page);
    await everythingStillThere();
    await shoot(page, 'offline');
    await device.context.setOffline(false);
  });

  it('asked no other origin for anything and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
