import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../../sync/server/app-server.ts';
import { guardedContext, launchChromium, screenshot, type GuardedContext } from './harness/browser.ts';
import { addNotebook, createVaultInUi } from './harness/app-flows.ts';
import { E2E_DIST } from './harness/e2e-dist.ts';

const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const PASSPHRASE = 'correct horse battery staple';
const TITLE = 'written before going offline';
const TAG_TIMEOUT = 90_000;

const note = (page: Page, title: string) => page.locator(`.note-list li[data-note-title="${title}"]`);

describe('offline after the first load (service worker, built app, Chromium)', () => {
  // Its own server, so the test can take it away: offline means nothing answers at all.
  let server: AppServer;
  let browser: Browser;
  let device: GuardedContext;
  let page: Page;

  beforeAll(async () => {
    // The build global-setup made (tests/e2e/harness/global-setup.ts).
    server = await startAppServer({ distDir: E2E_DIST, port: 0 });
    browser = await launchChromium();
    device = await guardedContext(browser, server.url);
    page = await device.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    server?.server.closeAllConnections();
    await server?.close();
  });

  it('installs a service worker that precaches the app, the models and the wasm', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
    // clientsClaim: the first page is controlled once the worker has activated (after its precache).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      return urls;
    });
    expect(cached).toContain('/index.html');
    expect(cached.some((u) => u.startsWith('/models/') && u.endsWith('.onnx'))).toBe(true);
    expect(cached).toContain('/ort/ort-wasm-simd-threaded.wasm');
    expect(cached.some((u) => /^\/assets\/libsodium.*\.js$/.test(u))).toBe(true);
    // The cached shell keeps the headers it was fetched with: offline, it still refuses framing.
    const shell = await page.evaluate(async () => {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        const request = (await cache.keys()).find((r) => new URL(r.url).pathname === '/index.html');
        const response = request && (await cache.match(request));
        if (response) return { csp: response.headers.get('content-security-policy'), xfo: response.headers.get('x-frame-options') };
      }
      return undefined;
    });
    expect(shell?.csp).toContain("frame-ancestors 'none'");
    expect(shell?.xfo).toBe('DENY');
  });

  it('has a web app manifest with icons, so it can be installed', async () => {
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const manifest = await page.evaluate(async (url) => (await fetch(url)).json() as Promise<{ display: string; start_url: string; icons: { sizes: string; src: string; type: string }[] }>, href ?? '');
    expect(manifest.display).toBe('standalone');
    expect(manifest.start_url).toBe('/');
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of manifest.icons) {
      const type = await page.evaluate(async (src) => (await fetch(src)).headers.get('content-type'), icon.src);
      expect(type).toContain(icon.type);
    }
  });

  it('with the server gone, reloads from the cache, still cross-origin isolated, and unlocks the vault', async () => {
    await createVaultInUi(page, PASSPHRASE);
    await addNotebook(page, 'Trips');
    await page.getByRole('button', { name: 'New note' }).click();
    await page.getByLabel('Title').fill(TITLE);
    await page.getByText('Saved', { exact: true }).waitFor();

    server.server.closeAllConnections();
    await server.close();
    expect(await page.evaluate((url) => fetch(url).then(() => 'answered', () => 'unreachable'), `${server.url}no-such-file`)).toBe('unreachable');

    await page.reload();
    await page.getByRole('button', { name: 'Unlock' }).waitFor();
    // COOP/COEP come with the cached responses: without them SharedArrayBuffer (wasm threads) is gone.
    expect(await page.evaluate(() => ({ isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer }))).toEqual({ isolated: true, sab: 'function' });
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await note(page, TITLE).waitFor();
    await screenshot(page, 'offline-unlocked-1280');
  });

  it('tags a photo offline: models and onnxruntime come from the cache', async () => {
    await page.locator('#photo-files').setInputFiles([{ name: 'chelsea.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(PHOTOS, 'chelsea.jpg')) }]);
    await note(page, 'chelsea').locator('.mini-chip', { hasText: /^cat$/ }).waitFor({ timeout: TAG_TIMEOUT });
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
