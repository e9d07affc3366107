import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { guardedContext, launchChromium, type GuardedContext } from './browser.ts';

export interface SuitePage {
  readonly device: GuardedContext;
  readonly page: Page;
}

/**
 * One Chromium with one guarded device and a page on the app, for the tests of a describe
 * block: opened in beforeAll and handed to `use`, closed in afterAll.
 */
export function pageForSuite(baseUrl: string, use: (opened: SuitePage) => void): void {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    const device = await guardedContext(browser, baseUrl);
    use({ device, page: await device.newPage() });
  });

  afterAll(async () => {
    await browser?.close();
  });
}
