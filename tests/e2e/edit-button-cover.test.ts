import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { addNotebook, createVaultInUi, thumbnailsShown } from './harness/app-flows.ts';
import { screenshot, type GuardedContext } from './harness/browser.ts';
import { pageForSuite } from './harness/page-for-suite.ts';

/**
 * Issue 13 §3, "at desktop width the main content sometimes covers the 'Edit notebook' button"
 * (about 1 run in 12): every animation frame, from page start, the page hit-tests the centre of
 * every button of the notebook list in the window ("Edit notebook", each notebook, Add) and
 * keeps what else it found there, so a cover lasting one frame (a layout shift while thumbnails
 * load, a notice, an unlock) is caught, not only one at the moment a test clicks. A notebook
 * name with no space in it is what widened the list under the notes pane before 3232819 (the
 * random markers of profile-leaks got a space for that reason): with that commit's min-width
 * rules taken out of styles.css, the unlock case here fails, "<div class=notes> from <main>
 * intercepts pointer events" on the long notebook's button.
 */
const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const FILES = ['chelsea.jpg', 'coffee.jpg', 'astronaut.jpg', 'motorcycle_left.jpg', 'text-card.jpg', 'page.png'];
const PASSPHRASE = 'the edit button stays clickable';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };
const LONG_NAME = `${'Holiday-photos-from-the-long-summer-trip-'.repeat(4)}end`;

declare global {
  interface Window {
    editCovers?: string[];
  }
}

const covers = (page: Page) => page.evaluate(() => [...new Set(window.editCovers ?? [])]);

describe('the notebook list\'s buttons are never covered at desktop width, frame by frame (built app, Chromium)', () => {
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');
  pageForSuite(baseUrl, (opened) => ({ device, page } = opened));

  it('the watch runs from page start on every page of the device', async () => {
    await device.context.addInitScript(() => {
      const seen: string[] = [];
      window.editCovers = seen;
      const check = () => {
        const nav = document.querySelector('nav[aria-label="Notebooks"]');
        for (const button of nav?.querySelectorAll<HTMLElement>('button') ?? []) {
          const r = button.getBoundingClientRect();
          if (r.width === 0 || r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) continue;
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          if (hit && hit !== button && !button.contains(hit)) {
            const name = button.getAttribute('aria-label') ?? 'a notebook';
            seen.push(`${innerWidth} px, ${name}: ${hit.tagName.toLowerCase()}.${hit.getAttribute('class') ?? ''} in ${hit.closest('main, nav, header, [role=dialog]')?.tagName.toLowerCase() ?? 'page'}`);
          }
        }
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
    await page.setViewportSize(DESKTOP);
    await page.goto(baseUrl);
    await createVaultInUi(page, PASSPHRASE);
    await addNotebook(page, 'Short');
    await addNotebook(page, LONG_NAME);
    await page.getByRole('button', { name: 'Edit notebook' }).waitFor();
    expect(await covers(page)).toEqual([]);
  });

  it('while photos import, thumbnails load and tagging runs, with a long notebook name, the editor opened and closed', async () => {
    await page.locator('#photo-files').setInputFiles(FILES.map((name) => ({ name, mimeType: name.endsWith('.png') ? 'image/png' : 'image/jpeg', buffer: readFileSync(join(PHOTOS, name)) })));
    const edit = page.getByRole('button', { name: 'Edit notebook' });
    for (let i = 0; i < 12 && (await page.locator('.tag-progress').count()) + (i < 3 ? 1 : 0) > 0; i++) {
      await edit.click({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Edit notebook', expanded: true }).waitFor();
      await edit.click({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Edit notebook', expanded: false }).waitFor();
    }
    await expect.poll(() => thumbnailsShown(page), { timeout: 120_000 }).toBe(FILES.length);
    await page.locator('.tag-progress').waitFor({ state: 'detached', timeout: 180_000 });
    expect(await covers(page)).toEqual([]);
  }, 300_000);

  it('a note opened beside the grid, the search suggestions open, the phone layout and back with the page scrolled', async () => {
    await page.locator('.note-list li[data-note-id]').first().getByRole('button').click();
    await page.getByRole('article', { name: 'Note editor' }).waitFor();
    await page.getByLabel('Search notes', { exact: true }).fill('c');
    await page.getByRole('button', { name: 'Edit notebook' }).click({ timeout: 10_000 });
    await page.getByLabel('Search notes', { exact: true }).fill('');
    for (let i = 0; i < 6; i++) {
      await page.setViewportSize(PHONE);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await page.setViewportSize(DESKTOP);
      await page.getByRole('button', { name: 'Edit notebook' }).click({ timeout: 10_000 });
    }
    await screenshot(page, 'edit-button-desktop-after-resizes', false);
    expect(await covers(page)).toEqual([]);
  });

  it('right after an unlock, the notebook reopening with its thumbnails', async () => {
    for (let i = 0; i < 3; i++) {
      await page.reload();
      await page.getByLabel('Passphrase').fill(PASSPHRASE);
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();
      // The first notebook opens on unlock; the photos are in the other one.
      await page.getByRole('button', { name: LONG_NAME }).click({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Edit notebook' }).click({ timeout: 5_000 });
      await page.getByRole('button', { name: 'Edit notebook', expanded: true }).waitFor();
      await expect.poll(() => thumbnailsShown(page), { timeout: 30_000 }).toBe(FILES.length);
      expect(await covers(page)).toEqual([]);
    }
  });
});
