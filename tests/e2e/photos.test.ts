import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, inject, it } from 'vitest';
import { screenshot, type GuardedContext } from './harness/browser.ts';
import { readAllIndexedDb } from './harness/raw-indexeddb.ts';
import { addNotebook, createVaultInUi, dropFile, searchTitles, thumbnailsShown } from './harness/app-flows.ts';
import { pageForSuite } from './harness/page-for-suite.ts';

const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const PASSPHRASE = 'correct horse battery staple';
const RUN = Date.now().toString(36);
const TITLE_MARKER = `PHOTO-TITLE-CANARY-${RUN}-w4p`;
/** A line page.png reads (tests/unit/ml/ocr-models.test.ts reads it word by word). */
const OCR_LINE = 'background. These markers are pixels that we can label';
const TAG_TIMEOUT = 90_000;

const note = (page: Page, title: string) => page.locator(`.note-list li[data-note-title="${title}"]`);

describe('photos that tag themselves (built app, real models, Chromium)', () => {
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');
  const chelsea = readFileSync(join(PHOTOS, 'chelsea.jpg'));
  pageForSuite(baseUrl, (opened) => ({ device, page } = opened));

  it('creates a vault and a notebook', async () => {
    await page.goto(baseUrl);
    await createVaultInUi(page, PASSPHRASE);
    await addNotebook(page, 'Photos');
    await page.getByRole('button', { name: 'Import photos' }).waitFor();
  });

  it('imports by file chooser and by drop; each photo becomes a note that tags itself', async () => {
    const started = Date.now();
    await page.locator('#photo-files').setInputFiles([
      { name: 'chelsea.jpg', mimeType: 'image/jpeg', buffer: chelsea },
      { name: 'coffee.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(PHOTOS, 'coffee.jpg')) },
      { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo at all') },
    ]);
    await dropFile(page, 'page.png', 'image/png', readFileSync(join(PHOTOS, 'page.png')));
    for (const title of ['chelsea', 'coffee', 'broken', 'page']) await note(page, title).waitFor();
    console.log(`4 notes listed after ${Date.now() - started} ms`);

    await note(page, 'broken').getByText('Could not import or tag').waitFor();

    // Pause: the photo in flight finishes, nothing new starts until Resume.
    const status = page.locator('.tag-progress');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/Tagging \d of [23]/);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => status.textContent(), { timeout: TAG_TIMEOUT }).toMatch(/Paused: \d of 3 tagged/);
    const pausedAt = await status.textContent();
    await page.waitForTimeout(1500);
    expect(await status.textContent()).toBe(pausedAt);
    await page.getByRole('button', { name: 'Resume' }).click();

    await note(page, 'chelsea').locator('.mini-chip', { hasText: /^cat$/ }).waitFor({ timeout: TAG_TIMEOUT });
    console.log(`chelsea tagged "cat" after ${Date.now() - started} ms`);
    await note(page, 'coffee').locator('.mini-chip', { hasText: /^cup$/ }).waitFor({ timeout: TAG_TIMEOUT });
    console.log(`coffee tagged "cup" after ${Date.now() - started} ms`);
    // EXIF orientation 6 (stored 451x300, shown rotated): thumbnail and record are upright.
    const rotated = await sharp(chelsea).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    await page.locator('#photo-files').setInputFiles([{ name: 'rotated.jpg', mimeType: 'image/jpeg', buffer: rotated }]);
    const rotatedThumb = note(page, 'rotated').locator('.thumb img');
    await expect
      .poll(() => rotatedThumb.evaluate((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]).catch(() => []))
      .toEqual([213, 320]);
    await note(page, 'rotated').getByRole('button').click();
    await page.locator('.photo-caption', { hasText: '300×451' }).waitFor();

    await note(page, 'page').locator('.snippet', { hasText: 'markers' }).waitFor({ timeout: TAG_TIMEOUT });
    console.log(`page read after ${Date.now() - started} ms`);
    await expect.poll(() => thumbnailsShown(page)).toBe(4);

    // Paste: a ClipboardEvent carrying a file, as Ctrl+V with an image on the clipboard.
    await page.evaluate((base64) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'text-card.jpg', { type: 'image/jpeg' }));
      document.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: transfer }));
    }, readFileSync(join(PHOTOS, 'text-card.jpg')).toString('base64'));
    await note(page, 'text-card').locator('.snippet', { hasText: 'Receipt' }).waitFor({ timeout: TAG_TIMEOUT });
    console.log(`pasted text-card read after ${Date.now() - started} ms`);

    // Warm timings for one photo: import (thumbnail + encrypt + store), then tag (detect + OCR).
    const t0 = Date.now();
    await page.locator('#photo-files').setInputFiles([{ name: 'coffee-2.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(PHOTOS, 'coffee.jpg')) }]);
    await expect.poll(() => note(page, 'coffee-2').locator('.thumb img').evaluate((i) => (i as HTMLImageElement).naturalWidth).catch(() => 0), { interval: 20 }).toBeGreaterThan(0);
    const imported = Date.now() - t0;
    await note(page, 'coffee-2').locator('.mini-chip', { hasText: /^cup$/ }).waitFor({ timeout: TAG_TIMEOUT });
    console.log(`warm, one photo (coffee.jpg): imported in ${imported} ms, tagged ${Date.now() - t0} ms after the pick`);

    await note(page, 'page').getByRole('button').click();
    await expect.poll(() => page.getByTestId('ocr-text').textContent()).toContain(OCR_LINE);
    await screenshot(page, 'photos-note-ocr-1280');
    await note(page, 'broken').getByRole('button').click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/not a photo/i);
  });

  it('shows the note view with the photo, boxes and chips; labels can be removed and added by hand', async () => {
    await note(page, 'chelsea').getByRole('button').click();
    await page.getByLabel('Title').fill(TITLE_MARKER);
    await note(page, TITLE_MARKER).waitFor();
    await expect.poll(() => page.locator('.photo-frame img').evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(300);
    expect(await page.locator('.photo-frame .label-box').count()).toBeGreaterThan(0);
    await page.getByLabel('New label').fill('Chelsea the cat');
    await page.getByRole('button', { name: 'Tag', exact: true }).click();
    await page.locator('.chip[data-source="user"]', { hasText: 'chelsea the cat' }).waitFor();
    await page.getByText('Saved', { exact: true }).waitFor();
    await screenshot(page, 'photos-note-1280');
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, 'photos-note-375');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByLabel('Show detection boxes').uncheck();
    expect(await page.locator('.photo-frame .label-box').count()).toBe(0);

    // A wrong model label can be removed, by keyboard too.
    await note(page, 'rotated').getByRole('button').click();
    await page.getByRole('button', { name: 'Remove label cat' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => note(page, 'rotated').locator('.mini-chip').count()).toBe(0);
    await page.getByText('Saved', { exact: true }).waitFor();
  });

  it('after reload and unlock, the notes, thumbnails and labels are still there', async () => {
    await page.reload();
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await note(page, TITLE_MARKER).locator('.mini-chip', { hasText: /^cat$/ }).waitFor();
    await note(page, 'coffee').locator('.mini-chip', { hasText: /^cup$/ }).waitFor();
    await expect.poll(() => thumbnailsShown(page)).toBe(6);
    expect(await note(page, 'rotated').locator('.mini-chip').count()).toBe(0);
    await screenshot(page, 'photos-grid-1280');
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, 'photos-grid-375');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('searches by label, broader term, photo text and body, and says why each note matched', async () => {
    const box = page.getByLabel('Search notes', { exact: true });
    expect(await searchTitles(page, 'cat')).toEqual([TITLE_MARKER]);
    await note(page, TITLE_MARKER).locator('.match-reason[data-field="label"] mark', { hasText: 'cat' }).first().waitFor();
    expect(await searchTitles(page, 'animal')).toEqual([TITLE_MARKER]);
    await note(page, TITLE_MARKER).locator('.match-reason[data-field="broader"]', { hasText: '(animal)' }).waitFor();
    const cups = await searchTitles(page, 'cup');
    expect(cups).toContain('coffee');
    expect(cups.every((t) => t.startsWith('coffee'))).toBe(true);
    expect(await searchTitles(page, 'markers')).toEqual(['page']);
    await note(page, 'page').locator('.match-reason[data-field="ocr"] mark', { hasText: /^markers$/ }).waitFor();
    const chips = await searchTitles(page, 'label:cup');
    expect(chips).toContain('coffee');
    expect(chips.every((t) => t.startsWith('coffee'))).toBe(true);
    await page.locator('.search-chips .chip', { hasText: 'label: cup' }).waitFor();
    await page.getByRole('button', { name: 'Remove filter label cup' }).click();
    await expect.poll(() => box.inputValue()).toBe('');
    await page.locator('.search-results').waitFor({ state: 'detached' });

    // A word typed into a body is found on the next search, without a reload.
    await box.fill('');
    await note(page, 'broken').getByRole('button').click();
    await page.locator('#note-body').fill('Remember the quokka sticker on the lid.');
    expect(await searchTitles(page, 'quokka')).toEqual(['broken']);
    await note(page, 'broken').locator('.match-reason[data-field="body"] mark', { hasText: /^quokka$/ }).waitFor();
    expect(await searchTitles(page, 'zzyzx')).toEqual([]);
    await page.getByText('No notes match “zzyzx”.').waitFor();

    // Suggestions by keyboard: "ca" offers label:cat; Escape closes the list and keeps
    // the text, arrow down reopens it, Enter takes the option.
    await box.fill('');
    await box.pressSequentially('ca');
    await page.getByRole('option', { name: 'label:cat' }).waitFor();
    await box.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    expect(await box.inputValue()).toBe('ca');
    await box.press('ArrowDown');
    const options = await page.getByRole('option').allTextContents();
    for (let i = 1; i <= options.indexOf('label:cat'); i++) await box.press('ArrowDown');
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('label:cat ');
    await expect.poll(() => page.locator('.search-results').getAttribute('data-query')).toBe('label:cat ');
    await page.locator('.search-chips .chip', { hasText: 'label: cat' }).waitFor();
    expect(await searchTitles(page, 'receipt')).toEqual(['text-card']);
    // Whether completions of "receipt" exist depends on the vocabulary; close them if any.
    if (await page.getByRole('listbox').isVisible()) await box.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    await page.locator('.match-reason[data-field="ocr"] mark', { hasText: /^Receipt$/ }).waitFor();
    await screenshot(page, 'search-1280');
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, 'search-375');
    await page.setViewportSize({ width: 1280, height: 800 });
    // With the suggestions closed, Escape empties the box: the grid is back.
    await box.press('Escape');
    await expect.poll(() => box.inputValue()).toBe('');
    await page.locator('.search-results').waitFor({ state: 'detached' });
    await expect.poll(() => thumbnailsShown(page)).toBe(6);
  });

  it('IndexedDB holds no label text, OCR text, title or photo bytes', async () => {
    const raw = await readAllIndexedDb(page);
    expect(raw.length).toBeGreaterThan(chelsea.length);
    for (const marker of [TITLE_MARKER, OCR_LINE, 'chelsea the cat', 'pixels that we can', 'Receipt total 42.17', 'dining table']) {
      expect(raw.includes(Buffer.from(marker, 'utf8')), marker).toBe(false);
    }
    const middle = Math.floor(chelsea.length / 2);
    expect(raw.includes(chelsea.subarray(middle, middle + 64)), 'a run of chelsea.jpg').toBe(false);
    expect(raw.includes(chelsea.subarray(0, 64)), 'chelsea.jpg header').toBe(false);
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
