import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedContext, launchChromium, screenshot, type GuardedContext } from './harness/browser.ts';
import { addNotebook, answerDeviceLink, createVaultInUi, fillDeviceLinkAnswer, requestDeviceLink, thumbnailsShown } from './harness/app-flows.ts';
import { noteCard, openNote } from './harness/photo-notes.ts';
import { startSyncedApp, type SyncedApp } from './harness/sync-servers.ts';

/**
 * Issue 18 §5, "originals live only where they were opened", in Chromium with the real
 * IndexedDB, relay and signaling: a phone imports three photos; a laptop linked to it keeps
 * every original in the background (Settings shows "Keeping originals: k of 3"); the phone
 * goes away and the relay restarts with nothing; the laptop still opens every full photo, and
 * the phone, back, sees its count of photos only on this device go from 3 to 0.
 */
const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const FILES = ['chelsea.jpg', 'coffee.jpg', 'astronaut.jpg'];
const N = FILES.length;
const RUN = Date.now().toString(36);
const NOTEBOOK = `Originals-${RUN}`;
const PASS_PHONE = 'correct horse battery staple';
const PASS_LAPTOP = 'a different passphrase here';

async function openSync(page: Page) {
  await page.getByRole('button', { name: 'Sync', exact: true }).click();
  return page.getByRole('dialog');
}
async function closeSync(page: Page) {
  await page.getByRole('button', { name: 'Close sync panel' }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
}

/** Ids of the blobs this page's origin holds (BlobStore head records, `['blob', id]`). */
async function storedBlobIds(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const req = <T,>(r: IDBRequest<T>) => new Promise<T>((res, rej) => ((r.onsuccess = () => res(r.result)), (r.onerror = () => rej(r.error))));
    const db = await req(indexedDB.open('obscura'));
    const ids: string[] = [];
    for (const name of Array.from(db.objectStoreNames)) {
      for (const key of await req(db.transaction(name, 'readonly').objectStore(name).getAllKeys())) {
        if (Array.isArray(key) && key[0] === 'blob' && typeof key[1] === 'string') ids.push(key[1]);
      }
    }
    db.close();
    return ids;
  });
}

describe('originals are kept on a second device (built app, real IndexedDB, relay and signaling)', () => {
  let browser: Browser;
  let server: SyncedApp;
  let phone: GuardedContext;
  let laptop: GuardedContext;
  let phonePage: Page;
  let laptopPage: Page;
  let relayBlobs: string[] = [];

  beforeAll(async () => {
    server = await startSyncedApp();
    browser = await launchChromium();
    phone = await guardedContext(browser, server.url);
    laptop = await guardedContext(browser, server.url);
    phonePage = await phone.newPage();
    laptopPage = await laptop.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the phone imports three photos, sends them to the relay and counts 3 photos only on this device', async () => {
    await phonePage.goto(server.url);
    await createVaultInUi(phonePage, PASS_PHONE);
    await addNotebook(phonePage, NOTEBOOK);
    await phonePage.locator('#photo-files').setInputFiles(FILES.map((name) => ({ name, mimeType: 'image/jpeg', buffer: readFileSync(join(PHOTOS, name)) })));
    await expect.poll(() => thumbnailsShown(phonePage), { timeout: 60_000 }).toBe(N);
    const panel = await openSync(phonePage);
    await expect.poll(() => panel.getByTestId('transfers').textContent(), { timeout: 30_000 }).toBe('All photos are up to date.');
    await expect.poll(() => panel.getByTestId('only-here').textContent(), { timeout: 20_000 }).toBe(`${N} photos`);
    expect(await panel.getByTestId('only-one').textContent()).toBe(`${N} photos`);
    expect(await panel.getByTestId('copies-hint').textContent()).toContain('Open Obscura on another device to keep a copy');
    await screenshot(phonePage, 'keep-originals-phone-only-here');
    relayBlobs = [...new Set(server.relayFiles().flatMap((f) => f.path.match(/[0-9a-f]{64}/g) ?? []))];
    expect(relayBlobs.length).toBe(2 * N);
  });

  it('a linked laptop keeps every original in the background, with progress, in its own IndexedDB', async () => {
    // Record what Settings says about keeping originals, from page start, every 50 ms.
    await laptop.context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { keepingSeen: string[] }).keepingSeen = seen;
      setInterval(() => {
        const text = document.querySelector('[data-testid="keeping-originals"]')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }, 50);
    });
    // A slow relay, so the progress can be watched; the phone leaves right after the link.
    await laptop.context.route('**/relay-blobs/**', async (route) => {
      await new Promise((r) => setTimeout(r, 700));
      await route.fallback();
    });
    const request = await requestDeviceLink(laptopPage, server.url);
    const answer = await answerDeviceLink(phonePage.getByRole('dialog'), request);
    // The phone's vault doc (with the laptop's approval) reaches the relay, then the phone goes.
    await new Promise((r) => setTimeout(r, 3000));
    await phonePage.close();

    await fillDeviceLinkAnswer(laptopPage, answer, PASS_LAPTOP);
    // One recovery key per vault: a linked device shows none and opens its notebooks at once.
    await laptopPage.getByRole('button', { name: 'Link this device' }).click();
    await laptopPage.getByRole('button', { name: 'Settings' }).click();
    // On by default: Chromium gives this origin far more than 1 GB.
    const keep = laptopPage.getByLabel('Keep originals on this device');
    await expect.poll(() => keep.isChecked()).toBe(true);
    await laptopPage.getByTestId('keeping-originals').filter({ hasText: /of 3/ }).waitFor({ timeout: 60_000 });
    await screenshot(laptopPage, 'keep-originals-progress');
    await laptopPage.getByTestId('keeping-originals').filter({ hasText: `Keeping originals: all ${N} are on this device.` }).waitFor({ timeout: 90_000 });
    const seen = await laptopPage.evaluate(() => (window as unknown as { keepingSeen: string[] }).keepingSeen);
    expect(seen.some((t) => /^Keeping originals: [0-2] of 3\./.test(t))).toBe(true);
    await laptopPage.getByRole('button', { name: 'Back to notebooks' }).click();
    await expect.poll(async () => (await storedBlobIds(laptopPage)).filter((id) => relayBlobs.includes(id)).length, { timeout: 60_000 }).toBe(2 * N);
    const syncPanel = await openSync(laptopPage);
    await expect.poll(() => syncPanel.getByTestId('only-one').textContent(), { timeout: 20_000 }).toBe('0 photos');
    expect(await syncPanel.getByTestId('only-here').textContent()).toBe('0 photos');
    await closeSync(laptopPage);
  });

  it('with the phone gone and the relay restarted empty, the laptop opens every full photo; the phone, back, counts 0 only on it', async () => {
    await server.restartRelayEmpty();
    expect(server.relayFiles().filter((f) => /[0-9a-f]{64}/.test(f.path))).toEqual([]);
    await laptopPage.reload();
    await laptopPage.getByLabel('Passphrase').fill(PASS_LAPTOP);
    await laptopPage.getByRole('button', { name: 'Unlock' }).click();
    await noteCard(laptopPage, 'chelsea').waitFor({ timeout: 30_000 });
    for (const file of FILES) {
      await openNote(laptopPage, file.replace(/\.jpg$/, ''));
      await expect.poll(() => laptopPage.locator('.photo-frame img').evaluate((i) => (i as HTMLImageElement).naturalWidth).catch(() => 0), { timeout: 30_000 }).toBeGreaterThan(300);
    }

    phonePage = await phone.newPage();
    await phonePage.goto(server.url);
    await phonePage.getByLabel('Passphrase').fill(PASS_PHONE);
    await phonePage.getByRole('button', { name: 'Unlock' }).click();
    const panel = await openSync(phonePage);
    await expect.poll(() => panel.getByTestId('only-here').textContent(), { timeout: 60_000 }).toBe('0 photos');
    expect(await panel.getByTestId('only-one').textContent()).toBe('0 photos');
    await screenshot(phonePage, 'keep-originals-phone-zero');
    expect([...phone.foreignRequests, ...laptop.foreignRequests]).toEqual([]);
  });

  it('two tabs of the laptop: one keeps, the other says so and takes over when the first closes', async () => {
    const second = await laptop.newPage();
    await second.goto(server.url);
    await second.getByLabel('Passphrase').fill(PASS_LAPTOP);
    await second.getByRole('button', { name: 'Unlock' }).click();
    await second.getByRole('button', { name: 'Settings' }).click();
    await second.getByTestId('keeping-elsewhere').waitFor({ timeout: 20_000 });
    expect(await second.getByTestId('keeping-originals').count()).toBe(0);
    await laptopPage.close();
    await second.getByTestId('keeping-originals').filter({ hasText: `Keeping originals: all ${N} are on this device.` }).waitFor({ timeout: 30_000 });
    expect(await second.getByTestId('keeping-elsewhere').count()).toBe(0);
    laptopPage = second;
  });

  it('turned off by hand, keeping stops and the choice holds after a reload (a per-device setting)', async () => {
    const other = await guardedContext(browser, server.url);
    const page = await other.newPage();
    await page.goto(server.url);
    await createVaultInUi(page, PASS_PHONE);
    await page.getByRole('button', { name: 'Settings' }).click();
    const keep = page.getByLabel('Keep originals on this device');
    await expect.poll(() => keep.isChecked()).toBe(true);
    await page.getByTestId('keeping-originals').filter({ hasText: 'Keeping originals: no photos yet.' }).waitFor();
    await keep.uncheck();
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.getByTestId('keeping-originals').waitFor({ state: 'detached' });
    await page.reload();
    await page.getByLabel('Passphrase').fill(PASS_PHONE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByTestId('keep-originals-why').waitFor();
    expect(await page.getByLabel('Keep originals on this device').isChecked()).toBe(false);
    expect(await page.getByTestId('keeping-originals').count()).toBe(0);
    await other.context.close();
  });
});
