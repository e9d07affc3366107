import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seededRandom, testSeed } from '../helpers/seeded-random.ts';
import { guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';
import { allCardStates, createVaultWithNotebook, failureMessage, openNote, unlockAndOpen } from './harness/photo-notes.ts';

const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const PASSPHRASE = 'a crash keeps what was saved';
const NOTEBOOK = 'Crash';
const PHOTOS_PER_IMPORT = 20;
const ROUNDS = 3;
const SEED = testSeed();
/** A thumbnail on screen this long before the kill must survive it (a write's time, with margin for a loaded machine). */
const SETTLE_MS = 500;

/**
 * Ends the renderer the way a killed tab ends: no pagehide, no unload, no flush. CDP
 * Page.crash never answers, so it is not awaited. IndexedDB lives in the browser
 * process, so what it committed stays; what the page had not handed over is gone.
 */
async function crashPage(device: GuardedContext, page: Page): Promise<void> {
  const cdp = await device.context.newCDPSession(page);
  const crashed = new Promise<void>((done) => page.once('crash', () => done()));
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  await page.close().catch(() => undefined);
}

describe(`crash safety: the tab is killed mid-import and mid-typing (Chromium, real IndexedDB; OBSCURA_SEED=${SEED})`, () => {
  let browser: Browser;
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');
  const random = seededRandom(SEED);
  const fixtures = ['chelsea.jpg', 'coffee.jpg', 'astronaut.jpg', 'motorcycle_left.jpg', 'text-card.jpg'].map((name) => readFileSync(join(PHOTOS, name)));
  /** 12 MP versions, so storing each (thumbnail, encrypt, write) takes a while and the kill lands mid-import. */
  let bigPhotos: Buffer[] = [];
  /** Words that were on screen with "Saved" before a crash: every one must come back. */
  const savedWords: string[] = [];
  /** Photo notes whose thumbnail was on screen before a crash. */
  const shownPhotos: string[] = [];

  beforeAll(async () => {
    console.log(`[crash-safety] OBSCURA_SEED=${SEED}`);
    bigPhotos = await Promise.all(fixtures.map((f) => sharp(f).resize(4000, 3000, { fit: 'fill' }).jpeg({ quality: 92 }).toBuffer()));
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl);
    page = await device.newPage();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('creates a vault and a notebook', async () => {
    await createVaultWithNotebook(page, baseUrl, PASSPHRASE, NOTEBOOK);
  });

  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round}: kill mid-import of ${PHOTOS_PER_IMPORT} photos, reopen, unlock: nothing shown is lost, nothing hangs`, async () => {
      // Kill at a seeded moment while the import runs (it takes several seconds for these photos).
      const killAt = 200 + Math.floor(random() * 1800);
      const files = Array.from({ length: PHOTOS_PER_IMPORT }, (_, i) => ({
        name: `r${round}-photo-${String(i).padStart(2, '0')}.jpg`,
        mimeType: 'image/jpeg',
        buffer: bigPhotos[i % bigPhotos.length] as Buffer,
      }));
      const titles = files.map((f) => f.name.replace(/\.jpg$/, ''));
      await page.locator('#photo-files').setInputFiles(files);
      await page.waitForTimeout(killAt);
      // What is on screen now (read as it is, without waiting). The kill comes SETTLE_MS later:
      // each of these must come back (the import writes each photo's record before the next).
      const before = await allCardStates(page, 0);
      const shown = titles.filter((t) => before.get(t) === 'stored' || before.get(t) === 'tagged');
      await page.waitForTimeout(SETTLE_MS);
      shownPhotos.push(...shown);
      await crashPage(device, page);
      console.log(`[crash-safety] round ${round}: killed ${killAt + SETTLE_MS} ms into the import, ${shown.length} of ${PHOTOS_PER_IMPORT} thumbnails shown ${SETTLE_MS} ms before`);

      page = await device.newPage();
      await page.goto(baseUrl);
      await unlockAndOpen(page, PASSPHRASE, NOTEBOOK);
      // After the reopen, no card may stay "importing": each is stored (and queued), or says why not.
      let after = new Map<string, string>();
      await expect
        .poll(async () => {
          after = await allCardStates(page);
          return titles.filter((t) => after.has(t) && !['stored', 'tagged', 'failed'].includes(after.get(t) ?? '')).length;
        }, { timeout: 60_000, interval: 1000 })
        .toBe(0);
      for (const t of shownPhotos) {
        const why = after.get(t) === 'failed' ? await failureMessage(page, t) : '';
        expect(['stored', 'tagged'], `${t} was shown before a crash ${why}`).toContain(after.get(t));
      }
      const failed = titles.filter((t) => after.get(t) === 'failed');
      for (const t of failed) expect(await failureMessage(page, t)).toMatch(/import was interrupted.*Import (it|the photo) again/);
      const missing = titles.filter((t) => !after.has(t));
      console.log(
        `[crash-safety] round ${round}: after reopen ${shown.length} shown before -> all there; ${titles.length - failed.length - missing.length} stored, ${failed.length} marked E_IMPORT_INTERRUPTED, ${missing.length} never written`,
      );
    });

    it(`round ${round}: kill mid-typing: every word shown "Saved" is there after the reopen`, async () => {
      await page.getByRole('button', { name: 'New note' }).click();
      await page.getByLabel('Title').fill(`typing-${round}`);
      const body = page.getByLabel('Note', { exact: true });
      const savedRounds = 1 + Math.floor(random() * 3);
      for (let i = 0; i < savedRounds; i++) {
        const word = `r${round}-saved-${i}-${Math.floor(random() * 1e9).toString(36)}`;
        await body.focus();
        await page.keyboard.press('End');
        await page.keyboard.type(` ${word}`, { delay: 5 });
        await page.getByText('Saved', { exact: true }).waitFor();
        savedWords.push(word);
      }
      // Then a word the kill interrupts: typed, and killed 0-400 ms later (seeded), without waiting for Saved.
      const unsaved = `r${round}-cut-${Math.floor(random() * 1e9).toString(36)}`;
      const delay = Math.floor(random() * 400);
      await page.keyboard.type(` ${unsaved}`, { delay: 5 });
      await page.waitForTimeout(delay);
      await crashPage(device, page);

      page = await device.newPage();
      await page.goto(baseUrl);
      await unlockAndOpen(page, PASSPHRASE, NOTEBOOK);
      const texts: string[] = [];
      for (let r = 0; r <= round; r++) {
        await openNote(page, `typing-${r}`);
        await expect.poll(() => page.getByLabel('Title').inputValue()).toBe(`typing-${r}`);
        texts.push(await page.getByLabel('Note', { exact: true }).inputValue());
      }
      const all = texts.join('\n');
      for (const w of savedWords) expect(all, `"${w}" was shown Saved`).toContain(w);
      console.log(`[crash-safety] round ${round}: killed ${delay} ms after typing; ${savedWords.length} saved words all there; the cut word ${all.includes(unsaved) ? 'kept' : 'lost (never shown Saved)'}`);
    });
  }

  it('the notebook loads with nothing set aside (no half-written entry)', async () => {
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await page.getByRole('heading', { name: 'Set aside' }).waitFor();
    expect(await page.locator('.quarantine-list li').count()).toBe(0);
    await page.getByText('Nothing set aside').waitFor();
  });

  it('threw no page error and made no request to any other origin', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
