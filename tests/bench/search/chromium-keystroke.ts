import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startAppServer } from '../../../sync/server/app-server.ts';
import { ensureBuild } from '../../../sync/server/ensure-build.ts';
import { guardedContext, launchChromium } from '../../e2e/harness/browser.ts';
import { E2E_DIST } from '../../e2e/harness/e2e-dist.ts';
import { summarize, type Latency } from './latency.ts';

/** What one person types into the search box, a key at a time (notes are "Grid i" / "gridi"). */
const TYPED = ['grid42', 'grid917', 'grid5', 'unicorn', 'grid80'];

/**
 * Arms the page for one keystroke: from the key's own event time to the frame after the
 * results for the text it makes are in the DOM (requestAnimationFrame, then a task: the
 * frame that shows them has been produced).
 */
async function armKeystroke(page: Page, expected: string): Promise<void> {
  // A string, not a function: tsx would wrap named functions in a helper the page lacks.
  // It ends in `undefined`: an expression worth a promise would make evaluate wait for it.
  await page.evaluate(`window.__keystroke = new Promise((done) => {
    let down = 0;
    document.addEventListener('keydown', (e) => { down = e.timeStamp; }, { once: true, capture: true });
    const selector = '.search-results[data-query="' + CSS.escape(${JSON.stringify(expected)}) + '"]';
    const observer = new MutationObserver(() => {
      if (down === 0 || document.querySelector(selector) === null) return;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => done(performance.now() - down)));
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-query'] });
  }); undefined`);
}

/**
 * `npm run bench -- search keystroke`: the built app (e2e mode, for its notes hook) in
 * headless Chromium, one notebook of `count` notes, and the time from each keystroke to
 * the results for it on screen, typing one key after the previous results showed.
 * Target (issue 17 §2): <= 100 ms at 10,000 notes.
 */
export async function keystrokeLatency(count: number): Promise<{ latency: Latency; samples: number; fillMs: number }> {
  const root = resolve(import.meta.dirname, '..', '..', '..');
  await ensureBuild(root, E2E_DIST, 'e2e');
  const app = await startAppServer({ distDir: E2E_DIST, port: 0 });
  const browser = await launchChromium();
  try {
    const device = await guardedContext(browser, app.url);
    const page = await device.newPage();
    await page.goto(`${app.url}?debug=notes`);
    const passphrase = 'correct horse battery staple';
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByLabel('Repeat passphrase').fill(passphrase);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await page.getByLabel('I saved my recovery key somewhere safe').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByPlaceholder('New notebook').fill('Keystrokes');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.waitForFunction(() => window.__obscuraNotes !== undefined, undefined, { timeout: 60_000 });
    const started = Date.now();
    await page.evaluate(`window.__obscuraNotes.addNotes(${count}, 'Grid', Date.now(), 3600000)`);
    await page.locator('.note-grid li[data-note-id]').first().waitFor({ timeout: 120_000 });
    const fillMs = Date.now() - started;
    console.log(`keystroke bench: ${count} notes in the grid after ${fillMs} ms`);
    const box = page.getByLabel('Search notes', { exact: true });
    const times: number[] = [];
    for (const word of TYPED) {
      await box.fill('');
      await page.locator('.search-results').waitFor({ state: 'detached' });
      for (let i = 1; i <= word.length; i++) {
        await armKeystroke(page, word.slice(0, i));
        await box.press(word[i - 1] as string);
        // A keystroke whose results never show would hang the bench: 30 s, then say which.
        const took = await Promise.race([page.evaluate('window.__keystroke') as Promise<number>, new Promise<undefined>((r) => setTimeout(r, 30_000))]);
        if (took === undefined) throw new Error(`keystroke bench: no results shown for "${word.slice(0, i)}" within 30 s`);
        times.push(took);
      }
    }
    return { latency: summarize(times), samples: times.length, fillMs };
  } finally {
    await browser.close();
    await app.close();
  }
}
