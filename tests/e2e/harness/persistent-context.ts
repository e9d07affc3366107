import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, type GuardedContext } from './browser.ts';

/** The same network-closing flags as launchChromium (browser.ts). */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface PersistentDevice extends GuardedContext {
  close(): Promise<void>;
}

/**
 * A device with a real on-disk profile. Needed where Chromium treats a throwaway context
 * differently: CDP Storage.overrideQuotaForOrigin is enforced for a profile's storage, but
 * not for playwright's incognito-like contexts (measured: writes past the quota succeed).
 * Guards requests like guardedContext: anything but the app's origin is blocked and recorded.
 */
export async function persistentGuardedContext(baseUrl: string): Promise<PersistentDevice> {
  const dir = mkdtempSync(join(tmpdir(), 'obscura-profile-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: FLAGS, headless: true, viewport: { width: 1280, height: 800 } });
  const allowed = new URL(baseUrl).origin;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('blob:') || url.startsWith('data:') || new URL(url).origin === allowed) return route.continue();
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
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
