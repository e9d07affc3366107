import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { addNotebook, createVaultInUi } from './harness/app-flows.ts';
import { screenshot, type GuardedContext } from './harness/browser.ts';
import { pageForSuite } from './harness/page-for-suite.ts';

const PASSPHRASE = 'a phone is a small screen';
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };
const NOTES = 14;

/** What is hit at the centre of the "Edit notebook" button: its own tag and label, or what covers it. */
const hitAtEditCentre = (page: Page) =>
  page.evaluate(() => {
    const button = document.querySelector<HTMLElement>('button[aria-label="Edit notebook"]');
    if (!button) return 'no button';
    const r = button.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit === button || button.contains(hit) ? 'the button' : `${hit?.tagName.toLowerCase()}.${hit?.className}`;
  });

/**
 * What in the notebook list reaches past its column (where the notes pane is painted over it):
 * a form or a notice whose narrowest layout is wider than the column widens the list with it.
 */
const overflowsNav = (page: Page) =>
  page.evaluate(() => {
    const nav = document.querySelector<HTMLElement>('nav[aria-label="Notebooks"]');
    if (!nav) return ['no nav'];
    const right = nav.getBoundingClientRect().right;
    return [...nav.querySelectorAll<HTMLElement>('button, input, ul, form')]
      .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().right > right + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(el.getBoundingClientRect().right)} > ${Math.round(right)}`);
  });

/** The grid's own scroll (its content beyond its box) and the page's. */
const scrolls = (page: Page) =>
  page.evaluate(() => {
    const grid = document.querySelector<HTMLElement>('.note-list .note-grid');
    return { grid: grid ? grid.scrollHeight - grid.clientHeight : -1, page: document.documentElement.scrollHeight - innerHeight };
  });

/**
 * Every screen laid out for a 375 px phone and a 1280 px desktop (issue 13 §3): on the phone
 * the grid scrolls with the page, a note opens full-width with a way back, and the notebook
 * list folds away; at both widths the "Edit notebook" button is never covered.
 */
describe('small screens and the edit-notebook button (built app, Chromium)', () => {
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');
  pageForSuite(baseUrl, (opened) => ({ device, page } = opened));

  it('on a 375 px phone the grid scrolls with the page, not in a box of its own', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(baseUrl);
    await createVaultInUi(page, PASSPHRASE);
    await addNotebook(page, 'Phone');
    // On the phone a new note opens full-width; "Back to notes" returns to the grid.
    for (let i = 0; i < NOTES; i++) {
      await page.getByRole('button', { name: 'New note' }).click();
      await page.getByRole('button', { name: 'Back to notes' }).click();
    }
    await expect.poll(() => page.locator('.note-list li[data-note-id]').count()).toBeGreaterThan(4);
    const { grid, page: pageScroll } = await scrolls(page);
    expect(grid, 'the grid scrolls inside its own box').toBeLessThanOrEqual(1);
    expect(pageScroll, 'the page is taller than the screen').toBeGreaterThan(PHONE.height);
    await screenshot(page, 'screens-notes-375');
    // Scrolled to the bottom of the page, the last cards are rendered (the windowing follows the page).
    const rendered = async () => page.locator('.note-list li[data-note-id]').count();
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(async () => page.evaluate(() => {
      const cards = [...document.querySelectorAll('.note-list li[data-note-id]')];
      return cards.some((c) => { const r = c.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; });
    })).toBe(true);
    expect(await rendered()).toBeGreaterThan(0);
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  it('on the phone the notebook list folds away behind one button', async () => {
    const nav = page.getByRole('navigation', { name: 'Notebooks' });
    expect((await nav.boundingBox())?.height ?? 999, 'the notebook list takes the top of the screen').toBeLessThan(90);
    const toggle = nav.getByRole('button', { name: /Notebooks/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    await page.getByRole('button', { name: 'Phone', exact: true }).waitFor();
    await screenshot(page, 'screens-notebooks-375');
    await page.getByRole('button', { name: 'Phone', exact: true }).click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  });

  it('on the phone a note opens full-width, with a way back to the notes', async () => {
    await page.locator('.note-list li[data-note-id]').first().getByRole('button').click();
    const editor = page.getByRole('article', { name: 'Note editor' });
    await editor.waitFor();
    expect((await editor.boundingBox())?.width ?? 0).toBeGreaterThan(PHONE.width - 60);
    expect(await page.locator('.note-list').isVisible(), 'the grid is still shown beside the note').toBe(false);
    await screenshot(page, 'screens-note-375');
    await page.getByRole('button', { name: 'Back to notes' }).click();
    await page.locator('.note-list li[data-note-id]').first().waitFor();
    expect(await editor.isVisible(), 'the note stays under the grid').toBe(false);
  });

  it('the "Edit notebook" button is never covered: clicked 15 times at each width', async () => {
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      const toggle = page.getByRole('navigation', { name: 'Notebooks' }).getByRole('button', { name: /Notebooks/ });
      for (let i = 0; i < 15; i++) {
        if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
        const edit = page.getByRole('button', { name: 'Edit notebook' });
        await edit.scrollIntoViewIfNeeded();
        expect(await hitAtEditCentre(page), `${size.width} px, click ${i + 1}`).toBe('the button');
        expect(await overflowsNav(page), `${size.width} px: the notebook list is wider than its column`).toEqual([]);
        await edit.click({ timeout: 2_000 });
        await page.getByRole('button', { name: 'Edit notebook', expanded: true }).waitFor();
        if (i === 0) await screenshot(page, `screens-notebook-editor-${size.width}`);
        // Open, the editor (name field, colours, buttons) must not widen the list either.
        expect(await overflowsNav(page), `${size.width} px, editor open: the notebook list is wider than its column`).toEqual([]);
        expect(await hitAtEditCentre(page), `${size.width} px, editor open, click ${i + 1}`).toBe('the button');
        await edit.click({ timeout: 2_000 });
        await page.getByRole('button', { name: 'Edit notebook', expanded: false }).waitFor();
        // Switch the screen's size and back between clicks, as the accessibility audit does.
        await page.setViewportSize(size === DESKTOP ? PHONE : DESKTOP);
        await page.setViewportSize(size);
      }
    }
    await screenshot(page, 'screens-notes-375-after');
  });

  it('at 1280 px the notes and the note sit side by side, as before', async () => {
    await page.setViewportSize(DESKTOP);
    await page.locator('.note-list li[data-note-id]').first().getByRole('button').click();
    await page.getByRole('article', { name: 'Note editor' }).waitFor();
    expect(await page.locator('.note-list').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Back to notes' }).isVisible()).toBe(false);
    await screenshot(page, 'screens-notes-1280');
  });

  it('threw no page error and made no request to any other origin', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
