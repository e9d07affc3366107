import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { guardedContext, launchChromium, screenshot } from './harness/browser.ts';
import { addNotebook, createVaultInUi } from './harness/app-flows.ts';

const PASSPHRASE = 'correct horse battery staple';
const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
/** Chromium's built-in fake camera; the first flag alone leaves the permission to the (headless) browser. */
const FAKE_CAMERA = '--use-fake-device-for-media-stream';
const FAKE_CAMERA_UI = '--use-fake-ui-for-media-stream';

async function openNotebook(page: Page, baseUrl: string): Promise<void> {
  await page.goto(baseUrl);
  await createVaultInUi(page, PASSPHRASE);
  await addNotebook(page, 'Camera');
  await page.getByRole('button', { name: 'Take photo' }).waitFor();
}

/** Titles of the notes whose thumbnail decoded. */
async function photoNotes(page: Page): Promise<string[]> {
  return page
    .locator('.note-list li[data-note-title]')
    .evaluateAll((items) => items.filter((li) => ((li.querySelector('.thumb img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0).map((li) => li.getAttribute('data-note-title') ?? ''));
}

describe('camera capture (built app, Chromium fake camera)', () => {
  const browsers: Browser[] = [];
  const baseUrl = inject('baseUrl');

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
  });

  it('takes a photo from the live preview and it becomes a photo note', async () => {
    const browser = await launchChromium([FAKE_CAMERA, FAKE_CAMERA_UI]);
    browsers.push(browser);
    const device = await guardedContext(browser, baseUrl);
    const page = await device.newPage();
    await openNotebook(page, baseUrl);

    await page.getByRole('button', { name: 'Take photo' }).click();
    const dialog = page.getByRole('dialog', { name: 'Take a photo' });
    await dialog.waitFor();
    await expect.poll(() => page.locator('.camera-dialog video').evaluate((v) => (v as HTMLVideoElement).videoWidth)).toBeGreaterThan(0);
    await screenshot(page, 'camera-preview-1280');
    await dialog.getByRole('button', { name: 'Capture' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => photoNotes(page), { timeout: 30_000 }).toEqual([expect.stringMatching(/^camera-\d{4}-\d{2}-\d{2}-\d{6}$/)]);
    // The camera is released once the photo is taken.
    expect(await page.locator('.camera-dialog video').evaluate((v) => ((v as HTMLVideoElement).srcObject as MediaStream | null)?.active ?? false)).toBe(false);

    // Escape cancels the preview without a note, and the keyboard can do it all.
    await page.getByRole('button', { name: 'Take photo' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.locator('.note-list li[data-note-title]').count()).toBe(1);
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });

  it('when the camera is refused, the same button opens the capture file input instead', async () => {
    const browser = await launchChromium([FAKE_CAMERA]);
    browsers.push(browser);
    const device = await guardedContext(browser, baseUrl);
    const page = await device.newPage();
    await openNotebook(page, baseUrl);

    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Take photo' }).click();
    const picked = await chooser;
    expect(await picked.element().evaluate((input) => [(input as HTMLInputElement).getAttribute('accept'), (input as HTMLInputElement).getAttribute('capture')])).toEqual(['image/*', 'environment']);
    await page.getByRole('status').filter({ hasText: /Camera access was refused|No camera could be opened/ }).waitFor();
    await picked.setFiles([{ name: 'chelsea.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(PHOTOS, 'chelsea.jpg')) }]);
    await expect.poll(() => photoNotes(page), { timeout: 30_000 }).toEqual(['chelsea']);
    expect(device.pageErrors).toEqual([]);
  });
});
