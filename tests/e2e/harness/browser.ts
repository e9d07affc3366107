import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = resolve(import.meta.dirname, '..', '..', 'artifacts');

/** Flags that keep Chromium from reaching any network but ours (see README). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(extraFlags: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  // playwright-core gives every launch a fresh temporary --user-data-dir.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS, ...extraFlags], headless: true });
}

export interface GuardedContext {
  readonly context: BrowserContext;
  /** Requests the page made to anything but the allowed origins: must stay empty. */
  readonly foreignRequests: string[];
  readonly pageErrors: string[];
  newPage(): Promise<Page>;
}

/**
 * A browser context (one "device") that records every request leaving for an origin
 * other than the app's own and `allowedOrigins`, and blocks it: no CDN, no fonts, no
 * telemetry, no model hub.
 */
export async function guardedContext(browser: Browser, baseUrl: string, allowedOrigins: string[] = []): Promise<GuardedContext> {
  return guardContext(await browser.newContext({ viewport: { width: 1280, height: 800 } }), baseUrl, allowedOrigins);
}

/** Puts the guard on a context made elsewhere (e.g. a persistent profile). */
export async function guardContext(context: BrowserContext, baseUrl: string, allowedOrigins: string[] = []): Promise<GuardedContext> {
  const allowed = new Set([new URL(baseUrl).origin, ...allowedOrigins.map((o) => new URL(o).origin)]);
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    const origin = url.startsWith('blob:') || url.startsWith('data:') ? 'local' : new URL(url).origin;
    if (origin === 'local' || allowed.has(origin)) return route.continue();
    foreignRequests.push(url);
    return route.abort('blockedbyclient');
  });
  return {
    context,
    foreignRequests,
    pageErrors,
    newPage: async () => {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      return page;
    },
  };
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}
