import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { screenshot } from './harness/browser.ts';
import { addNotebook, createVaultInUi, searchTitles } from './harness/app-flows.ts';
import { pageForSuite } from './harness/page-for-suite.ts';

const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const PASSPHRASE = 'correct horse battery staple';
const TAG_TIMEOUT = 120_000;

const note = (page: Page, title: string) => page.locator(`.note-list li[data-note-title="${title}"]`);

/** Issue 17 §2: words the labels do not use find the right photos, and the photo shows why. */
describe('search by meaning (built app, real models, Chromium)', () => {
  let page: Page;
  const baseUrl = inject('baseUrl');
  pageForSuite(baseUrl, (opened) => ({ page } = opened));

  it('imports a cat, a motorcycle, a coffee cup and a receipt, and they tag themselves', async () => {
    await page.goto(baseUrl);
    await createVaultInUi(page, PASSPHRASE);
    await addNotebook(page, 'Meaning');
    await page.locator('#photo-files').setInputFiles(
      ['chelsea.jpg', 'motorcycle_left.jpg', 'coffee.jpg', 'text-card.jpg'].map((name) => ({ name, mimeType: 'image/jpeg', buffer: readFileSync(join(PHOTOS, name)) })),
    );
    await note(page, 'chelsea').locator('.mini-chip', { hasText: /^cat$/ }).waitFor({ timeout: TAG_TIMEOUT });
    await note(page, 'motorcycle_left').locator('.mini-chip', { hasText: /^motorcycle$/ }).waitFor({ timeout: TAG_TIMEOUT });
    await note(page, 'coffee').locator('.mini-chip', { hasText: /^cup$/ }).waitFor({ timeout: TAG_TIMEOUT });
    await note(page, 'text-card').locator('.snippet', { hasText: 'Receipt' }).waitFor({ timeout: TAG_TIMEOUT });
  });

  it('"motorbike", "kitty", "vehicle", "pet" find the right photos, by synonym and broader term', async () => {
    expect(await searchTitles(page, 'motorbike')).toEqual(['motorcycle_left']);
    await note(page, 'motorcycle_left').locator('.match-reason[data-field="synonym"]', { hasText: 'motorcycle (motorbike)' }).waitFor();
    expect(await searchTitles(page, 'kitty')).toEqual(['chelsea']);
    await note(page, 'chelsea').locator('.match-reason[data-field="synonym"]', { hasText: 'cat (kitty)' }).waitFor();
    expect(await searchTitles(page, 'vehicle')).toEqual(['motorcycle_left']);
    await note(page, 'motorcycle_left').locator('.match-reason[data-field="broader"]', { hasText: 'motorcycle (vehicle)' }).waitFor();
    expect(await searchTitles(page, 'pet')).toEqual(['chelsea']);
    // Plurals and a light typo reach the same photos.
    expect(await searchTitles(page, 'motorbikes')).toEqual(['motorcycle_left']);
    expect(await searchTitles(page, 'kity')).toEqual(['chelsea']);
    expect(await searchTitles(page, 'mug')).toContain('coffee');
  });

  it('why it matched: each reason once, and the matched box or text line marked on the photo', async () => {
    expect(await searchTitles(page, 'kitty')).toEqual(['chelsea']);
    const reasons = await note(page, 'chelsea').locator('.match-reason').allTextContents();
    expect(new Set(reasons).size).toBe(reasons.length);
    await note(page, 'chelsea').getByRole('button').first().click();
    const matchedBox = page.locator('.note-view svg.boxes g.matched');
    await matchedBox.waitFor({ timeout: 30_000 });
    expect(await matchedBox.locator('text').textContent()).toMatch(/^cat /);
    expect(await page.locator('.note-view svg.boxes g:not(.matched) text', { hasText: /^cat / }).count()).toBe(0);
    await screenshot(page, 'search-meaning-box-1280');

    expect(await searchTitles(page, 'receipt')).toEqual(['text-card']);
    const ocrReasons = await note(page, 'text-card').locator('.match-reason[data-field="ocr"]').count();
    expect(ocrReasons).toBe(1);
    await note(page, 'text-card').getByRole('button').first().click();
    await page.locator('.note-view .ocr-box.matched').waitFor({ timeout: 30_000 });
    expect(await page.locator('.note-view .ocr-box.matched').count()).toBe(1);
    expect(await page.locator('.note-view .ocr-text p.matched').textContent()).toMatch(/Receipt/);
    await screenshot(page, 'search-meaning-line-1280');
  });
});
