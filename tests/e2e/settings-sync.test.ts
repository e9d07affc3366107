import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';
import { startSyncedApp, type SyncedApp } from './harness/sync-servers.ts';
import { addNotebook, createVaultInUi } from './harness/app-flows.ts';

const PASSPHRASE = 'correct horse battery staple';

const wsUrl = (base: string, path: string) => new URL(path, base.replace(/^http/, 'ws')).toString();
/** A socket to the relay at `relay` (Hocuspocus's one socket there). */
const dials = (url: string, relay: string) => url.split('?')[0] === relay;

describe('sync uses the servers saved in Settings (built app, real relay, Chromium)', () => {
  let server: SyncedApp;
  let browser: Browser;
  let device: GuardedContext;
  let page: Page;
  const sockets: string[] = [];

  /** Opens the sync drawer, runs `check` on its relay state, closes it. */
  const relayState = async (check: (state: Locator) => Promise<void>) => {
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await check(page.getByRole('dialog', { name: /^Sync/ }).getByTestId('relay-state'));
    await page.getByRole('button', { name: 'Close sync panel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  };

  const saveRelay = async (relay: string | undefined) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    if (relay === undefined) await page.getByRole('button', { name: "Use this site's servers" }).click();
    else {
      await page.getByLabel('Relay', { exact: true }).fill(relay);
      await page.getByRole('button', { name: 'Save sync servers' }).click();
    }
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Back to notebooks' }).click();
  };

  beforeAll(async () => {
    server = await startSyncedApp();
    browser = await launchChromium();
    device = await guardedContext(browser, server.url);
    page = await device.newPage();
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(server.url);
    await createVaultInUi(page, PASSPHRASE);
    await addNotebook(page, 'Synced');
    await page.getByRole('button', { name: 'New note' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the site relay by default; a relay saved in Settings is the one dialled; back to the site relay', async () => {
    await relayState((state) => expect.poll(() => state.textContent(), { timeout: 30_000 }).toBe('connected'));
    const elsewhere = wsUrl(server.url, '/relay-elsewhere');
    await saveRelay(elsewhere);
    await expect.poll(() => sockets.some((url) => dials(url, elsewhere)), { timeout: 30_000 }).toBe(true);
    await relayState(async (state) => {
      // Nothing listens there: the drawer never says connected.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(await state.textContent()).not.toBe('connected');
    });
    const before = sockets.length;
    await saveRelay(undefined);
    await expect.poll(() => sockets.slice(before).some((url) => dials(url, wsUrl(server.url, '/relay'))), { timeout: 30_000 }).toBe(true);
    await relayState((state) => expect.poll(() => state.textContent(), { timeout: 30_000 }).toBe('connected'));
  });

  it('after a reload, unlocking dials the saved relay from the start, never the site relay first', async () => {
    const elsewhere = wsUrl(server.url, '/relay-elsewhere');
    await saveRelay(elsewhere);
    await page.reload();
    const from = sockets.length;
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('button', { name: 'New note' }).waitFor();
    await expect.poll(() => sockets.slice(from).some((url) => dials(url, elsewhere)), { timeout: 30_000 }).toBe(true);
    expect(sockets.slice(from).filter((url) => dials(url, wsUrl(server.url, '/relay')))).toEqual([]);
    await saveRelay(undefined);
    await relayState((state) => expect.poll(() => state.textContent(), { timeout: 30_000 }).toBe('connected'));
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
