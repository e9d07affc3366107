import { writeFileSync } from 'node:fs';
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
 * frame that shows them has been produced); and to the frame after every card of them is
 * (the section no longer aria-busy: cards past the first screenful come a frame later).
 */
async function armKeystroke(page: Page, expected: string): Promise<void> {
  // A string, not a function: tsx would wrap named functions in a helper the page lacks.
  // It ends in `undefined`: an expression worth a promise would make evaluate wait for it.
  await page.evaluate(`window.__keystroke = new Promise((done) => {
    let down = 0;
    let first;
    document.addEventListener('keydown', (e) => { down = e.timeStamp; }, { once: true, capture: true });
    const selector = '.search-results[data-query="' + CSS.escape(${JSON.stringify(expected)}) + '"]';
    const check = () => {
      const results = down === 0 ? null : document.querySelector(selector);
      if (results === null) return;
      if (first === undefined) {
        first = null;
        requestAnimationFrame(() => setTimeout(() => { first = performance.now() - down; check(); }));
        return;
      }
      if (first === null || results.getAttribute('aria-busy') === 'true') return;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => done({ first, all: performance.now() - down })));
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-query', 'aria-busy'] });
  }); undefined`);
}

/** One key's time to the first screenful of results and to all of them, and the text it made. */
export interface KeyTime {
  readonly text: string;
  readonly ms: number;
  readonly allMs: number;
}

/** Types every word of TYPED a key at a time, each key after the previous one's results showed. */
async function typeWords(page: Page): Promise<KeyTime[]> {
  const box = page.getByLabel('Search notes', { exact: true });
  const times: KeyTime[] = [];
  for (const word of TYPED) {
    await box.fill('');
    await page.locator('.search-results').waitFor({ state: 'detached' });
    for (let i = 1; i <= word.length; i++) {
      await armKeystroke(page, word.slice(0, i));
      await box.press(word[i - 1] as string);
      // A keystroke whose results never show would hang the bench: 30 s, then say which.
      const took = await Promise.race([page.evaluate('window.__keystroke') as Promise<{ first: number; all: number }>, new Promise<undefined>((r) => setTimeout(r, 30_000))]);
      if (took === undefined) throw new Error(`keystroke bench: no results shown for "${word.slice(0, i)}" within 30 s`);
      times.push({ text: word.slice(0, i), ms: took.first, allMs: took.all });
    }
  }
  return times;
}

/**
 * The baseline, in the same browser and run: the same keys typed into a bare page whose
 * "results" are the typed text put in the DOM. What a key costs with no search at all
 * (Playwright's key, the event, a frame) on this machine under its present load.
 */
async function bareKeystrokes(page: Page): Promise<KeyTime[]> {
  await page.setContent('<label>Search notes <input type="search"></label><div id="out"></div>');
  await page.evaluate(`document.querySelector('input').addEventListener('input', (e) => {
    const out = document.getElementById('out');
    out.replaceChildren();
    if (e.target.value === '') return;
    const section = document.createElement('section');
    section.className = 'search-results';
    section.dataset.query = e.target.value;
    section.textContent = e.target.value;
    out.append(section);
  }); undefined`);
  return typeWords(page);
}

/**
 * `npm run bench -- search keystroke`: the built app (e2e mode, for its notes hook) in
 * headless Chromium, one notebook of `count` notes, and the time from each keystroke to
 * the results for it on screen, typing one key after the previous results showed.
 * Target (issue 17 §2): <= 100 ms at 10,000 notes.
 */
export async function keystrokeLatency(count: number): Promise<{ latency: Latency; allCards: Latency; bare: Latency; samples: number; fillMs: number; slowest: KeyTime[] }> {
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
    // OBSCURA_KEYSTROKE_PROFILE=file.cpuprofile: a Chrome CPU profile of the typing, for DevTools.
    const profileTo = process.env.OBSCURA_KEYSTROKE_PROFILE;
    const cdp = profileTo ? await device.context.newCDPSession(page) : undefined;
    await cdp?.send('Profiler.enable');
    await cdp?.send('Profiler.start');
    const times = await typeWords(page);
    if (cdp && profileTo) writeFileSync(profileTo, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const bare = await bareKeystrokes(await device.newPage());
    const slowest = [...times].sort((a, b) => b.ms - a.ms).slice(0, 5);
    return { latency: summarize(times.map((t) => t.ms)), allCards: summarize(times.map((t) => t.allMs)), bare: summarize(bare.map((t) => t.ms)), samples: times.length, fillMs, slowest };
  } finally {
    await browser.close();
    await app.close();
  }
}
