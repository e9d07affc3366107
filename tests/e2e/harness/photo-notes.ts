import type { CDPSession, Page } from 'playwright-core';
import { addNotebook, createVaultInUi } from './app-flows.ts';

/** A note card of the notes grid, by title (the file name without its extension). */
export const noteCard = (page: Page, title: string) => page.locator(`.note-list li[data-note-title="${title}"]`);

/** Creates a vault and one notebook; ends with the notebook open and "Import photos" shown. */
export async function createVaultWithNotebook(page: Page, baseUrl: string, passphrase: string, notebook: string): Promise<void> {
  await page.goto(baseUrl);
  await createVaultInUi(page, passphrase);
  await addNotebook(page, notebook);
  await page.getByRole('button', { name: 'Import photos' }).waitFor();
}

/** Unlocks after a reload or a relaunch and opens the notebook. */
export async function unlockAndOpen(page: Page, passphrase: string, notebook: string): Promise<void> {
  await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
  await page.getByLabel('Passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await page.getByRole('button', { name: notebook }).waitFor();
  await page.getByRole('button', { name: 'Import photos' }).waitFor();
}

/** Opens a note by title, scrolling the windowed grid until its card is rendered. */
export async function openNote(page: Page, title: string): Promise<void> {
  const found = await page.evaluate(async (title) => {
    const grid = document.querySelector<HTMLElement>('.note-list .note-grid');
    if (!grid) throw new Error('no notes grid');
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (let top = 0; ; top += Math.max(100, Math.floor(grid.clientHeight / 2))) {
      grid.scrollTop = top;
      grid.dispatchEvent(new Event('scroll'));
      await frame();
      const li = [...grid.querySelectorAll('li[data-note-title]')].find((el) => el.getAttribute('data-note-title') === title);
      if (li) {
        li.scrollIntoView({ block: 'center' });
        await frame();
        return true;
      }
      if (top + grid.clientHeight >= grid.scrollHeight) return false;
    }
  }, title);
  if (!found) throw new Error(`no note titled ${title}`);
  await noteCard(page, title).getByRole('button').first().click();
}

/** The message the note view shows for a photo that failed (role=alert in the photo panel). */
export async function failureMessage(page: Page, title: string): Promise<string> {
  await openNote(page, title);
  const alert = page.locator('.failed [role="alert"]');
  await alert.waitFor();
  return (await alert.textContent()) ?? '';
}

/** failed: says so; tagged: has label chips; stored: thumbnail shown, not tagged yet; pending: still importing. */
export type CardState = 'failed' | 'tagged' | 'stored' | 'pending' | 'plain';

/**
 * Every card of the windowed notes grid (only rows in view are in the DOM): scrolls it
 * top to bottom and reads each card's state by title. `settleMs`: how long to let the
 * cards in view decrypt their thumbnails before reading them (0: as they are now).
 */
export async function allCardStates(page: Page, settleMs = 3000): Promise<Map<string, CardState>> {
  const entries = await page.evaluate(async (settleMs) => {
    const grid = document.querySelector<HTMLElement>('.note-list .note-grid');
    if (!grid) throw new Error('no notes grid');
    const seen = new Map<string, string>();
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (let top = 0; ; top += Math.max(100, Math.floor(grid.clientHeight / 2))) {
      grid.scrollTop = top;
      grid.dispatchEvent(new Event('scroll'));
      await frame();
      // Thumbnails decrypt after a card mounts: give the cards in view a moment to settle.
      const settled = () => [...grid.querySelectorAll('li[data-note-id]')].every((li) => li.querySelector('.error-text, .mini-chip, .thumb img') || !li.querySelector('.thumb'));
      for (let waited = 0; waited < settleMs && !settled(); waited += 50) await new Promise((r) => setTimeout(r, 50));
      for (const li of grid.querySelectorAll('li[data-note-id]')) {
        const id = li.getAttribute('data-note-id') ?? '';
        const title = li.getAttribute('data-note-title') ?? '';
        const state = li.querySelector('.error-text') ? 'failed' : li.querySelector('.mini-chip') ? 'tagged' : li.querySelector('.thumb img') ? 'stored' : /Tagging…/.test(li.textContent ?? '') ? 'pending' : 'plain';
        seen.set(id, `${title}\u0000${state}`);
      }
      if (top + grid.clientHeight >= grid.scrollHeight) break;
    }
    grid.scrollTop = 0;
    grid.dispatchEvent(new Event('scroll'));
    return [...seen.values()];
  }, settleMs);
  return new Map(entries.map((e) => e.split('\u0000') as [string, CardState]));
}

/** JS heap in use, from CDP Performance metrics (renderer main thread). */
export async function jsHeapUsed(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
}
