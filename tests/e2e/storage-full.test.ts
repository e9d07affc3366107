import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { screenshot } from './harness/browser.ts';
import { persistentGuardedContext, type PersistentDevice } from './harness/persistent-context.ts';
import { allCardStates, createVaultWithNotebook, failureMessage, openNote, unlockAndOpen } from './harness/photo-notes.ts';

const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const PASSPHRASE = 'a full disk loses nothing';
const NOTEBOOK = 'Full disk';
const COUNT = 12;
/**
 * Chromium applies a lowered quota override only before the origin stores anything, so it
 * is set before the first visit. (Raising it by 10 MB right after the refusal stored no
 * further photo, measured; raised to ROOMY after the reload below, the import completes.)
 */
const QUOTA = 60_000_000;
const ROOMY = 200_000_000;
/** Photos stored before the disk fills. */
const EARLY = ['coffee', 'astronaut'];
const FULL = 'This device is out of storage space. Nothing already saved was lost; free some space and try again.';

async function usage(page: Page): Promise<number> {
  return page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
}

const BALLAST_CHUNK = 250_000;

/**
 * "Something else on the device": random (incompressible) chunks in a scratch database
 * until the quota refuses one. Filling to the refusal, rather than to the quota minus the
 * usage estimate, is what finds the real limit (the estimate and Chromium's IndexedDB
 * quota check disagree about the service worker's cache, as measured here).
 */
async function fillToRefusal(page: Page): Promise<number> {
  return page.evaluate(async (size) => {
    const db = await new Promise<IDBDatabase>((ok, ko) => {
      const req = indexedDB.open('test-ballast', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('chunks');
      req.onsuccess = () => ok(req.result);
      req.onerror = () => ko(req.error);
    });
    let chunks = 0;
    try {
      for (;;) {
        const chunk = new Uint8Array(size);
        for (let at = 0; at < size; at += 65536) crypto.getRandomValues(chunk.subarray(at, at + 65536));
        await new Promise<void>((ok, ko) => {
          const tx = db.transaction('chunks', 'readwrite');
          tx.objectStore('chunks').put(chunk, chunks);
          tx.oncomplete = () => ok();
          tx.onabort = () => ko(tx.error);
        });
        chunks++;
      }
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'QuotaExceededError')) throw e;
    } finally {
      db.close();
    }
    return chunks * size;
  }, BALLAST_CHUNK);
}

async function steadyUsage(page: Page): Promise<number> {
  await page.evaluate(async () => navigator.serviceWorker?.ready);
  let last = -1;
  await expect
    .poll(
      async () => {
        const now = await usage(page);
        const steady = now === last;
        last = now;
        return steady;
      },
      { interval: 1000, timeout: 60_000 },
    )
    .toBe(true);
  return last;
}

describe('storage full during an import (Chromium, real IndexedDB, quota set over CDP)', () => {
  let device: PersistentDevice;
  let page: Page;
  let cdp: CDPSession;
  const baseUrl = inject('baseUrl');
  const origin = new URL(baseUrl).origin;
  let photos: { name: string; mimeType: string; buffer: Buffer }[] = [];
  let failedTitles: string[] = [];
  let storedTitles: string[] = [];


  beforeAll(async () => {
    const chelsea = readFileSync(join(PHOTOS, 'chelsea.jpg'));
    // Distinct photos of ~0.35 MB each.
    photos = await Promise.all(
      Array.from({ length: COUNT }, async (_, i) => ({
        name: `big-${String(i).padStart(2, '0')}.jpg`,
        mimeType: 'image/jpeg',
        buffer: await sharp(chelsea).resize(1600, 1060).modulate({ hue: i * 25 }).sharpen({ sigma: 3 }).jpeg({ quality: 95 }).toBuffer(),
      })),
    );
  });

  afterAll(async () => {
    await device?.close();
  });

  it('creates a vault, a notebook and a text note that says Saved', async () => {
    device = await persistentGuardedContext(baseUrl);
    page = await device.newPage();
    cdp = await device.context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA });
    await createVaultWithNotebook(page, baseUrl, PASSPHRASE, NOTEBOOK);
    await page.getByRole('button', { name: 'New note' }).click();
    await page.getByLabel('Title').fill('written before the disk filled');
    await page.getByLabel('Note', { exact: true }).fill('this body was saved before the quota ran out');
    await page.getByText('Saved', { exact: true }).waitFor();
    // Two photos stored while there is room: they must survive the full disk too.
    await page.locator('#photo-files').setInputFiles(EARLY.map((name) => ({ name: `${name}.jpg`, mimeType: 'image/jpeg', buffer: readFileSync(join(PHOTOS, `${name}.jpg`)) })));
    await expect
      .poll(async () => {
        const states = await allCardStates(page);
        return EARLY.every((t) => states.get(t) === 'stored' || states.get(t) === 'tagged');
      }, { timeout: 60_000, interval: 1000 })
      .toBe(true);
  });

  it('with the disk nearly full, an import that runs out of space says so on each photo it could not store', async () => {
    const estimate = await steadyUsage(page);
    // Something else fills the disk to the brim.
    const ballast = await fillToRefusal(page);
    console.log(
      `[storage-full] quota ${(QUOTA / 1e6).toFixed(0)} MB (usage estimate ${(estimate / 1e6).toFixed(1)} MB), filled to refusal with ${(ballast / 1e6).toFixed(1)} MB; importing ${COUNT} photos of ~${(photos[0]!.buffer.length / 1e6).toFixed(2)} MB`,
    );

    await page.locator('#photo-files').setInputFiles(photos);
    const titles = photos.map((p) => p.name.replace(/\.jpg$/, ''));
    let states = new Map<string, string>();
    await expect
      .poll(async () => {
        states = await allCardStates(page);
        return titles.filter((t) => !['stored', 'tagged', 'failed'].includes(states.get(t) ?? '')).length;
      }, { timeout: 120_000, interval: 1000 })
      .toBe(0);
    failedTitles = titles.filter((t) => states.get(t) === 'failed');
    storedTitles = titles.filter((t) => states.get(t) !== 'failed');
    console.log(`[storage-full] ${storedTitles.length} stored, ${failedTitles.length} refused for space; usage now ${((await usage(page)) / 1e6).toFixed(1)} MB`);
    expect(failedTitles.length).toBeGreaterThan(0);
    for (const t of failedTitles) expect(await failureMessage(page, t)).toBe(FULL);
    await screenshot(page, 'storage-full-1280');
  });

  it('after a reload, what was saved before is intact', async () => {
    await page.reload();
    await unlockAndOpen(page, PASSPHRASE, NOTEBOOK);
    await openNote(page, 'written before the disk filled');
    await expect.poll(() => page.getByLabel('Note', { exact: true }).inputValue()).toBe('this body was saved before the quota ran out');
    const states = await allCardStates(page);
    for (const t of [...EARLY, ...storedTitles]) expect(['stored', 'tagged'], t).toContain(states.get(t));
    // A refused photo's note says why, or is gone: with the disk full even its note could not
    // be written, so it was never saved (it was shown failed, never "Saved").
    const kept = failedTitles.filter((t) => states.has(t));
    for (const t of kept) {
      expect(states.get(t), t).toBe('failed');
      expect(await failureMessage(page, t)).toMatch(/out of storage space|import was interrupted/);
    }
    console.log(`[storage-full] after reload: ${EARLY.length + storedTitles.length} stored photos intact, the saved text note intact; of ${failedTitles.length} refused, ${kept.length} notes kept with the message, ${failedTitles.length - kept.length} never written`);
  });

  it('with space freed, importing the refused photos again completes', async () => {
    // Space freed.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: ROOMY });
    const again = photos.filter((p) => failedTitles.includes(p.name.replace(/\.jpg$/, ''))).map((p) => ({ ...p, name: p.name.replace('big-', 'again-') }));
    await page.locator('#photo-files').setInputFiles(again);
    const titles = again.map((p) => p.name.replace(/\.jpg$/, ''));
    await expect
      .poll(async () => {
        const states = await allCardStates(page);
        return titles.filter((t) => !['stored', 'tagged'].includes(states.get(t) ?? '')).length;
      }, { timeout: 120_000, interval: 1000 })
      .toBe(0);
    await page.reload();
    await unlockAndOpen(page, PASSPHRASE, NOTEBOOK);
    const states = await allCardStates(page);
    for (const t of [...storedTitles, ...titles]) expect(['stored', 'tagged'], t).toContain(states.get(t));
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
