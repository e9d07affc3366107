import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { guardedContext, launchChromium } from './browser.ts';
import { startSyncedApp, type SyncedApp } from './sync-servers.ts';

export interface TwoDevices {
  /** The built app with its own relay and signaling server. */
  readonly server: SyncedApp;
  /** Two devices: a guarded Chromium context each, one page each, not yet on the app. */
  readonly a: Page;
  readonly b: Page;
}

/** Two devices of one or two people on a synced app, for the tests of a describe block: opened in beforeAll, closed in afterAll. */
export function twoDevicesForSuite(use: (opened: TwoDevices) => void): void {
  let browser: Browser | undefined;
  let server: SyncedApp | undefined;

  beforeAll(async () => {
    server = await startSyncedApp();
    const chromium = await launchChromium();
    browser = chromium;
    const url = server.url;
    const page = async () => (await guardedContext(chromium, url)).newPage();
    use({ server, a: await page(), b: await page() });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}
