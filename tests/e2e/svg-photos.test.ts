import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropFile } from './harness/app-flows.ts';
import { guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';
import { createVaultWithNotebook, failureMessage, noteCard } from './harness/photo-notes.ts';

/**
 * Every way a photo enters (file picker, drop, paste) with an SVG in disguise: named .jpg or
 * .png, declared image/jpeg or image/png. The import reads the bytes (sniffImage), so each is
 * refused with the same clear message and never rendered: its script and onload never run,
 * and its note has no thumbnail. The camera makes its JPEG itself (CameraCapture.tsx).
 */
const SVG = Buffer.from(`<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" onload="window.top.__svgRan = 'onload'">
  <script>window.top.__svgRan = 'script'</script>
  <rect width="64" height="64" fill="red"/>
</svg>`);
const REFUSED = /not a JPEG, PNG, WebP or GIF image \(an SVG drawing\)/;

describe('an SVG in disguise, through every way a photo enters (built app, Chromium)', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let device: GuardedContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl);
    page = await device.newPage();
    await createVaultWithNotebook(page, baseUrl, 'svg files are not photos', 'Disguises');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('file picker: picked.jpg declared image/png is refused by its bytes', async () => {
    await page.locator('#photo-files').setInputFiles([{ name: 'picked.jpg', mimeType: 'image/png', buffer: SVG }]);
    expect(await failureMessage(page, 'picked')).toMatch(REFUSED);
  });

  it('drag and drop: dropped.png declared image/jpeg is refused by its bytes', async () => {
    await dropFile(page, 'dropped.png', 'image/jpeg', SVG);
    expect(await failureMessage(page, 'dropped')).toMatch(REFUSED);
  });

  it('paste: pasted.jpg declared image/jpeg is refused by its bytes', async () => {
    await page.evaluate((base64) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'pasted.jpg', { type: 'image/jpeg' }));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    }, SVG.toString('base64'));
    expect(await failureMessage(page, 'pasted')).toMatch(REFUSED);
  });

  it('none of them was rendered: no script or onload ran, no note shows a thumbnail, no page error', async () => {
    expect(await page.evaluate(() => (window as { __svgRan?: string }).__svgRan)).toBeUndefined();
    for (const title of ['picked', 'dropped', 'pasted']) expect(await noteCard(page, title).locator('img').count(), title).toBe(0);
    expect(device.pageErrors).toEqual([]);
    expect(device.foreignRequests).toEqual([]);
  });
});
