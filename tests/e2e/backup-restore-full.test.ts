import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { guardedContext, launchChromium, screenshot } from './harness/browser.ts';
import { persistentGuardedContext, type PersistentDevice } from './harness/persistent-context.ts';
import { createVaultWithNotebook, noteCard } from './harness/photo-notes.ts';

const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const PASSPHRASE = 'a full disk restores nothing half';
const NOTEBOOK = 'Restore full disk';
const COUNT = 10;
/** As in storage-full.test.ts: an override Chromium applies before the origin's first byte. */
const QUOTA = 120_000_000;
/** Room left for the restore: less than the backup's photos need. */
const HEADROOM = 1_000_000;

async function usage(page: Page): Promise<number> {
  return page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
}

/** "Something else on the device" (as storage-full.test.ts): random bytes in another database. */
async function writeBallast(page: Page, bytes: number): Promise<number> {
  return page.evaluate(async (bytes) => {
    const db = await new Promise<IDBDatabase>((ok, ko) => {
      const open = indexedDB.open('test-ballast', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('chunks');
      open.onsuccess = () => ok(open.result);
      open.onerror = () => ko(open.error);
    });
    let written = 0;
    try {
      for (let i = 0; written < bytes; i++) {
        const chunk = new Uint8Array(Math.min(1_000_000, bytes - written));
        for (let at = 0; at < chunk.length; at += 65536) crypto.getRandomValues(chunk.subarray(at, at + 65536));
        await new Promise<void>((ok, ko) => {
          const tx = db.transaction('chunks', 'readwrite');
          tx.objectStore('chunks').put(chunk, i);
          tx.oncomplete = () => ok();
          tx.onabort = () => ko(tx.error);
        });
        written += chunk.length;
      }
    } catch {
      // Full already.
    } finally {
      db.close();
    }
    return written;
  }, bytes);
}

async function deleteBallast(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((ok, ko) => {
        const del = indexedDB.deleteDatabase('test-ballast');
        del.onsuccess = () => ok();
        del.onerror = () => ko(del.error);
      }),
  );
}

async function restore(page: Page, file: string): Promise<void> {
  await page.getByRole('button', { name: 'Restore from a backup' }).click();
  await page.getByLabel('Backup file').setInputFiles(file);
  await page.locator('#restore-secret-input').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
}

describe('restore on a full disk (Chromium, real IndexedDB, quota lowered over CDP)', () => {
  let browser: Browser;
  let device: PersistentDevice;
  let backupPath = '';
  const baseUrl = inject('baseUrl');
  const origin = new URL(baseUrl).origin;

  beforeAll(async () => {
    browser = await launchChromium();
    device = await persistentGuardedContext(baseUrl);
  });

  afterAll(async () => {
    await device?.close();
    await browser?.close();
  });

  it('makes a backup of a vault with a few MB of photos', async () => {
    const maker = await guardedContext(browser, baseUrl);
    const page = await maker.newPage();
    await createVaultWithNotebook(page, baseUrl, PASSPHRASE, NOTEBOOK);
    const chelsea = readFileSync(join(PHOTOS, 'chelsea.jpg'));
    const photos = await Promise.all(
      Array.from({ length: COUNT }, async (_, i) => ({
        name: `big-${i}.jpg`,
        mimeType: 'image/jpeg',
        buffer: await sharp(chelsea).resize(1600, 1060).modulate({ hue: i * 25 }).sharpen({ sigma: 3 }).jpeg({ quality: 95 }).toBuffer(),
      })),
    );
    // Tall enough for every card: the grid renders only the cards in the window, and the page scrolls.
    await page.setViewportSize({ width: 1280, height: 2_000 });
    await page.locator('#photo-files').setInputFiles(photos);
    for (let i = 0; i < COUNT; i++) {
      await expect.poll(() => noteCard(page, `big-${i}`).locator('.thumb img').evaluate((img) => (img as HTMLImageElement).naturalWidth).catch(() => 0), { timeout: 60_000 }).toBeGreaterThan(0);
    }
    await page.getByRole('button', { name: 'Settings' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download encrypted backup' }).click()]);
    backupPath = join(mkdtempSync(join(tmpdir(), 'obscura-backup-full-')), download.suggestedFilename());
    await download.saveAs(backupPath);
    console.log(`[backup-full] backup ${(readFileSync(backupPath).length / 1e6).toFixed(2)} MB`);
    expect(readFileSync(backupPath).length).toBeGreaterThan(3 * HEADROOM);
    await maker.context.close();
  });

  it('E_STORAGE_FULL: the restore says so, leaves no vault and no box database; after freeing space it restores', async () => {
    const page = await device.newPage();
    const cdp: CDPSession = await device.context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA });
    await page.goto(baseUrl);
    await page.getByRole('button', { name: 'Create vault' }).waitFor();
    await page.evaluate(async () => navigator.serviceWorker?.ready);
    let last = -1;
    await expect.poll(async () => {
      const now = await usage(page);
      const steady = now === last;
      last = now;
      return steady;
    }, { interval: 1000, timeout: 60_000 }).toBe(true);
    await writeBallast(page, QUOTA - last - HEADROOM);
    console.log(`[backup-full] ${((QUOTA - (await usage(page))) / 1e6).toFixed(2)} MB left before the restore`);

    await restore(page, backupPath);
    await page.getByRole('alert').getByText(/ran out of storage space/).waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
      await screenshot(page, 'backup-restore-full-failed');
      throw error;
    });
    await screenshot(page, 'backup-restore-full-1280');
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
    expect(databases.filter((name) => name.startsWith('obscura-box-') || name.startsWith('obscura-vault-'))).toEqual([]);
    await page.reload();
    await page.getByRole('button', { name: 'Create vault' }).waitFor();

    await deleteBallast(page);
    await restore(page, backupPath);
    await page.getByRole('button', { name: NOTEBOOK }).click({ timeout: 60_000 });
    await page.setViewportSize({ width: 1280, height: 2_000 });
    for (let i = 0; i < COUNT; i++) {
      await expect.poll(() => noteCard(page, `big-${i}`).locator('.thumb img').evaluate((img) => (img as HTMLImageElement).naturalWidth).catch(() => 0), { timeout: 30_000 }).toBeGreaterThan(0);
    }
    expect(device.foreignRequests).toEqual([]);
  });
});
