import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { colourClassifier, COLOUR_LABELS } from '../unit/ml/classify-models.ts';
import { screenshot, type GuardedContext } from './harness/browser.ts';
import { addNotebook, backToNotes, createVaultInUi, openSettings } from './harness/app-flows.ts';
import { pageForSuite } from './harness/page-for-suite.ts';

const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const PASSPHRASE = 'correct horse battery staple';
const TAG_TIMEOUT = 120_000;

const note = (page: Page, title: string) => page.locator(`.note-list li[data-note-title="${title}"]`);

async function importPhoto(page: Page, fixture: string | Buffer, name: string): Promise<void> {
  const buffer = typeof fixture === 'string' ? readFileSync(join(PHOTOS, fixture)) : fixture;
  await page.locator('#photo-files').setInputFiles([{ name, mimeType: name.endsWith('.png') ? 'image/png' : 'image/jpeg', buffer }]);
  const title = name.replace(/\.[^.]+$/, '');
  await note(page, title).waitFor();
  // Tagged (done or failed) once the card no longer says so.
  await expect.poll(() => note(page, title).getByText('Tagging…').count(), { timeout: TAG_TIMEOUT, interval: 250 }).toBe(0);
  await note(page, title).getByRole('button').first().click();
  await page.getByRole('heading', { name: 'Text in the photo' }).waitFor({ timeout: TAG_TIMEOUT });
}

/** The model's labels on the open note, with their scores. */
async function modelChips(page: Page): Promise<{ label: string; score: number }[]> {
  return page.locator('.chip[data-source="model"]').evaluateAll((chips) =>
    chips.map((c) => ({ label: c.querySelector('.chip-name')?.textContent ?? '', score: Number.parseInt(c.querySelector('.chip-score')?.textContent ?? '', 10) / 100 })),
  );
}

describe('settings change the tagging (built app, real models, Chromium)', () => {
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');
  pageForSuite(baseUrl, (opened) => ({ device, page } = opened));

  beforeAll(async () => {
    await page.goto(baseUrl);
    await createVaultInUi(page, PASSPHRASE);
    await addNotebook(page, 'Photos');
    await page.getByRole('button', { name: 'Import photos' }).waitFor();
  });

  it('OCR off: the next import has no text; OCR on again: the next one is read', async () => {
    await openSettings(page);
    await page.getByLabel('Read text in photos (OCR)').uncheck();
    await page.getByText('Saved', { exact: true }).waitFor();
    await backToNotes(page);
    await importPhoto(page, 'text-card.jpg', 'card-unread.jpg');
    await page.getByText('No text found.').waitFor();
    expect(await page.getByTestId('ocr-text').count()).toBe(0);

    await openSettings(page);
    await page.getByLabel('Read text in photos (OCR)').check();
    await page.getByText('Saved', { exact: true }).waitFor();
    await backToNotes(page);
    await importPhoto(page, 'text-card.jpg', 'card-read.jpg');
    await expect.poll(() => page.getByTestId('ocr-text').textContent(), { timeout: TAG_TIMEOUT }).toContain('Receipt');
  });

  it('a higher score threshold keeps fewer labels on the next photo', async () => {
    await importPhoto(page, 'chelsea.jpg', 'chelsea-low.jpg');
    const low = await modelChips(page);
    await openSettings(page);
    const slider = page.getByLabel('Detection score threshold');
    await slider.fill('0.9');
    await page.getByText('Saved', { exact: true }).waitFor();
    expect(await page.getByTestId('score-threshold-value').textContent()).toBe('0.90');
    await backToNotes(page);
    await importPhoto(page, 'chelsea.jpg', 'chelsea-high.jpg');
    const high = await modelChips(page);
    console.log(`chelsea.jpg labels at 0.20: ${JSON.stringify(low)}; at 0.90: ${JSON.stringify(high)}`);
    expect(low.some((chip) => chip.score < 0.9)).toBe(true);
    expect(high.every((chip) => chip.score >= 0.9)).toBe(true);
    expect(high.length).toBeLessThan(low.length);
  });

  it('imports a classifier (wrong sha256 refused, then checked, stored sealed) and its top labels tag the next photo', async () => {
    const model = Buffer.from(colourClassifier({ size: 32 }));
    const sha256 = createHash('sha256').update(model).digest('hex');
    await openSettings(page);
    const form = page.getByRole('form', { name: 'Import a classifier' });
    const fill = async (hash: string) => {
      await form.getByLabel('Model (.onnx)').setInputFiles([{ name: 'colours.onnx', mimeType: 'application/octet-stream', buffer: model }]);
      await form.getByLabel(/^Labels/).setInputFiles([{ name: 'labels.txt', mimeType: 'text/plain', buffer: Buffer.from(COLOUR_LABELS.join('\n')) }]);
      await form.getByLabel('Input spec (JSON)').fill(JSON.stringify({ name: 'Colours', inputName: 'pixels', size: 32, topK: 1 }));
      await form.getByLabel(/^SHA-256/).fill(hash);
      await form.getByRole('button', { name: 'Import classifier' }).click();
    };
    await fill('0'.repeat(64));
    await expect.poll(() => page.locator('#classifier-problem').textContent()).toContain('E_MODEL_HASH');
    await form.getByLabel('Input spec (JSON)').fill('{ "inputName": ');
    await form.getByRole('button', { name: 'Import classifier' }).click();
    await expect.poll(() => page.locator('#classifier-problem').textContent()).toContain('E_SPEC_INVALID');
    await form.getByLabel('Input spec (JSON)').fill(JSON.stringify({ name: 'Colours', inputName: 'not-its-input', size: 32, topK: 1 }));
    await form.getByLabel(/^SHA-256/).fill(sha256);
    await form.getByRole('button', { name: 'Import classifier' }).click();
    await expect.poll(() => page.locator('#classifier-problem').textContent(), { timeout: 60_000 }).toContain('E_MODEL_IO');
    expect(await page.getByLabel('Use Colours').count()).toBe(0);
    await fill(sha256);
    await page.getByText('Imported “Colours”').waitFor({ timeout: 60_000 });
    await page.getByLabel('Use Colours').waitFor();
    expect(await page.getByLabel('Use Colours').isChecked()).toBe(true);
    await screenshot(page, 'settings-classifier-1280');
    await backToNotes(page);
    const red = await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 230, g: 20, b: 20 } } }).png().toBuffer();
    await importPhoto(page, red, 'red-card.png');
    await expect.poll(() => modelChips(page), { timeout: TAG_TIMEOUT }).toEqual([expect.objectContaining({ label: 'red' })]);
    // After a reload the worker is new: the classifier comes from its sealed record on this device.
    await page.reload();
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('button', { name: 'Import photos' }).waitFor();
    await importPhoto(page, red, 'red-card-reloaded.png');
    await expect.poll(() => modelChips(page), { timeout: TAG_TIMEOUT }).toEqual([expect.objectContaining({ label: 'red' })]);
    // Turned off, it no longer runs on the next photo.
    await openSettings(page);
    await page.getByLabel('Use Colours').uncheck();
    await page.getByText('Saved', { exact: true }).waitFor();
    await backToNotes(page);
    await importPhoto(page, red, 'red-card-2.png');
    expect((await modelChips(page)).map((c) => c.label)).not.toContain('red');
  });

  it('deleting the notebook for good also removes its photos from the blob store', async () => {
    const storedBlobs = () =>
      page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('obscura');
            open.onsuccess = () => {
              const request = open.result.transaction('chunks').objectStore('chunks').getAllKeys();
              request.onsuccess = () => (open.result.close(), resolve(request.result.filter((k) => Array.isArray(k) && (k[0] === 'blob' || k[0] === 'blob-chunk')).length));
              request.onerror = () => reject(request.error);
            };
            open.onerror = () => reject(open.error);
          }),
      );
    expect(await storedBlobs()).toBeGreaterThan(10);
    await page.getByRole('button', { name: 'Edit notebook' }).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete notebook' }).click();
    await page.getByText('Deleted “Photos”').waitFor();
    expect(await storedBlobs()).toBeGreaterThan(10);
    await expect.poll(storedBlobs, { timeout: 30_000, interval: 500 }).toBe(0);
    expect(await page.getByText('No notebooks yet.').count()).toBe(1);
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
