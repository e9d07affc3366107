/**
 * Issue 18 §5 in the real app: one device imports 100 photos into a notebook (built app as
 * `npm start` builds it, real relay and signaling in this process, Chromium); then, for each
 * added delay, a newly linked device in its own browser context opens that notebook, relay
 * only (the first device closes its tab once it has answered the link), and a person scrolls
 * its grid a screen at a time whenever the cards in view show their thumbnails. Printed: from
 * "Link this device" to the first note listed, to the first screen's thumbnails, and to all 100.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium } from '../../e2e/harness/browser.ts';
import { addNotebook, answerDeviceLink, createVaultInUi, fillDeviceLinkAnswer, requestDeviceLink } from '../../e2e/harness/app-flows.ts';
import { startBenchApp, type BenchApp } from './bench-app.ts';
import { readGridToTheEnd, thumbTimes, watchThumbnails } from './thumb-watch.ts';

const PHOTOS = 100;
const GOAL_MS = 10_000;
const FIXTURES = resolve(import.meta.dirname, '..', '..', 'fixtures', 'photos');
const SOURCES = ['chelsea.jpg', 'coffee.jpg', 'astronaut.jpg', 'motorcycle_left.jpg', 'text-card.jpg'];
const PASS_OLD = 'correct horse battery staple';
const PASS_NEW = 'a different passphrase here';

/** 100 different camera-sized JPEGs (2048 x 1536, ~0.3-0.6 MB): the fixtures enlarged, each with its own hue. */
async function cameraPhotos(): Promise<{ name: string; mimeType: string; buffer: Buffer }[]> {
  const photos = [];
  for (let i = 0; i < PHOTOS; i++) {
    const source = readFileSync(join(FIXTURES, SOURCES[i % SOURCES.length] as string));
    const buffer = await sharp(source).resize(2048, 1536, { fit: 'fill' }).modulate({ hue: (i * 37) % 360 }).jpeg({ quality: 88 }).toBuffer();
    photos.push({ name: `photo-${String(i + 1).padStart(3, '0')}.jpg`, mimeType: 'image/jpeg', buffer });
  }
  return photos;
}

async function newDevice(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  return { context, page: await context.newPage() };
}

/** The first device: a vault, a notebook, 100 photos imported, uploaded to the relay and tagged. */
async function importingDevice(browser: Browser, app: BenchApp): Promise<{ context: BrowserContext; importMs: number }> {
  const { context, page } = await newDevice(browser);
  await page.goto(app.url);
  await createVaultInUi(page, PASS_OLD);
  await addNotebook(page, 'Holiday');
  const files = await cameraPhotos();
  const start = performance.now();
  await page.locator('#photo-files').setInputFiles(files, { timeout: 5 * 60_000 });
  await page.locator('.tag-progress').waitFor({ timeout: 60_000 });
  // Tagged on this device, so the new one finds nothing to tag (it would download originals for it).
  for (let minute = 1; ; minute++) {
    const done = await page.locator('.tag-progress').waitFor({ state: 'detached', timeout: 60_000 }).then(() => true, () => false);
    if (done) break;
    if (minute === 30) throw new Error('the first device did not finish tagging in 30 minutes');
    console.log(`  first device, after ${minute} min: ${await page.locator('.tag-progress span').first().textContent()}`);
  }
  await page.getByRole('button', { name: 'Sync', exact: true }).click();
  await page.getByTestId('transfers').filter({ hasText: 'All photos are up to date.' }).waitFor({ timeout: 10 * 60_000 });
  const importMs = performance.now() - start;
  await page.close();
  return { context, importMs };
}

/** The first device answers the new one's link request from a fresh tab, then closes it, so the new device has the relay alone. */
async function linkNewDevice(old: BrowserContext, page: Page, app: BenchApp): Promise<{ page: number; bench: number }> {
  const request = await requestDeviceLink(page, app.url);
  const oldPage = await old.newPage();
  await oldPage.goto(app.url);
  await oldPage.getByLabel('Passphrase').fill(PASS_OLD);
  await oldPage.getByRole('button', { name: 'Unlock' }).click();
  await oldPage.getByRole('button', { name: 'Sync', exact: true }).click();
  const answer = await answerDeviceLink(oldPage.getByRole('dialog'), request);
  // The vault doc with the approval reaches the relay, then the first device goes.
  await new Promise((r) => setTimeout(r, 3000));
  await oldPage.close();
  await fillDeviceLinkAnswer(page, answer, PASS_NEW);
  const start = { page: await page.evaluate(() => performance.now()), bench: performance.now() };
  await page.getByRole('button', { name: 'Link this device' }).click();
  return start;
}

export interface AppThumbsRun {
  readonly firstNoteMs: number;
  readonly firstScreenMs: number;
  readonly allMs: number;
  /** When the relay answered the last thumbnail GET (all of them on the device soon after). */
  readonly lastGetMs: number;
  /** Per card, from its first render to its thumbnail shown: median and 90th percentile. */
  readonly waitMedianMs: number;
  readonly waitP90Ms: number;
  readonly screens: number;
  readonly gets: number;
  readonly getMs: number;
  /** GETs of originals (kept in the background) until every thumbnail was shown. */
  readonly originalGets: number;
}

async function oneRun(browser: Browser, app: BenchApp, old: BrowserContext, delayMs: number): Promise<AppThumbsRun> {
  const { context, page } = await newDevice(browser);
  await watchThumbnails(context);
  try {
    app.blobGets.reset(delayMs);
    const started = await linkNewDevice(old, page, app);
    const start = started.page;
    await page.locator(`.note-list .note-grid[data-count="${PHOTOS}"]`).waitFor({ timeout: 120_000 });
    const { firstScreen, screens } = await readGridToTheEnd(page, PHOTOS, 5 * 60_000);
    const times = await thumbTimes(page);
    const gets = app.blobGets.thumbs();
    const waits = Object.entries(times.shown).map(([id, at]) => at - (times.mounted[id] ?? at)).sort((a, b) => a - b);
    return {
      lastGetMs: gets.lastAt - started.bench,
      waitMedianMs: waits[Math.floor(waits.length / 2)] ?? NaN,
      waitP90Ms: waits[Math.floor(waits.length * 0.9)] ?? NaN,
      firstNoteMs: (times.firstCard ?? NaN) - start,
      firstScreenMs: firstScreen - start,
      allMs: Math.max(...Object.values(times.shown)) - start,
      screens,
      gets: gets.count,
      getMs: gets.medianMs,
      originalGets: app.blobGets.originals(),
    };
  } finally {
    app.blobGets.reset(0);
    await context.close();
  }
}

export async function appThumbnailBench(delays: readonly number[] = [0, 50]): Promise<void> {
  const app = await startBenchApp();
  const browser = await launchChromium();
  try {
    const { context: old, importMs } = await importingDevice(browser, app);
    console.log(`\nIn the app (Chromium): ${PHOTOS} photos imported, tagged and uploaded by the first device in ${(importMs / 1000).toFixed(1)} s`);
    // One column per added delay, one row per measure.
    const rows: Record<string, Record<string, number | string>> = {};
    const put = (measure: string, column: string, value: number | string) => ((rows[measure] ??= {})[column] = value);
    for (const [i, delayMs] of delays.entries()) {
      const run = await oneRun(browser, app, old, delayMs);
      // A delay asked for twice gets a column per run.
      const column = `${delayMs === 0 ? 'relay on 127.0.0.1' : `+${delayMs} ms per blob GET`}${delays.indexOf(delayMs) < i ? ` (run ${i + 1})` : ''}`;
      put('first note listed ms', column, Math.round(run.firstNoteMs));
      put('first screen of thumbnails ms', column, Math.round(run.firstScreenMs));
      put(`all ${PHOTOS} thumbnails shown ms`, column, Math.round(run.allMs));
      put(`all / goal (${GOAL_MS / 1000} s)`, column, +(run.allMs / GOAL_MS).toFixed(2));
      put('last thumbnail GET answered ms', column, Math.round(run.lastGetMs));
      put('card rendered -> thumbnail shown ms, median / p90', column, `${Math.round(run.waitMedianMs)} / ${Math.round(run.waitP90Ms)}`);
      put('screens scrolled', column, run.screens);
      put('relay GETs: thumbnails / originals', column, `${run.gets} / ${run.originalGets}`);
      put('median thumbnail GET ms at the relay', column, +run.getMs.toFixed(1));
    }
    console.log(`A newly linked device (relay only, keep originals on as by default) opens the notebook; a person scrolls its grid a screen at a time once the cards in view show their thumbnails. Times from "Link this device":`);
    console.table(rows);
  } finally {
    await browser.close();
    await app.close();
  }
}
