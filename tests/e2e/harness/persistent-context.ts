import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, guardContext, type GuardedContext } from './browser.ts';

export interface PersistentDevice extends GuardedContext {
  /** The profile on disk: Chromium's own files (History, Web Data, Sessions, …) and the origins' storage. */
  readonly profileDir: string;
  /**
   * Closes the browser the way a person quitting it does, and keeps the profile: Chromium
   * writes its pending session and form data on the way out, so only then is the profile whole.
   */
  closeBrowser(): Promise<void>;
  /** Closes the browser and deletes the profile. */
  close(): Promise<void>;
}

/**
 * A device with a real on-disk profile. Needed where Chromium treats a throwaway context
 * differently: CDP Storage.overrideQuotaForOrigin is enforced for a profile's storage, but
 * not for playwright's incognito-like contexts (measured: writes past the quota succeed), and
 * only a profile keeps History, autofill and session files.
 * Guards requests like guardedContext: anything but the app's origin is blocked and recorded.
 */
export async function persistentGuardedContext(baseUrl: string): Promise<PersistentDevice> {
  const dir = mkdtempSync(join(tmpdir(), 'obscura-profile-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS], headless: true, viewport: { width: 1280, height: 800 } });
  let closed: Promise<void> | undefined;
  const closeBrowser = () => (closed ??= context.close());
  return {
    ...(await guardContext(context, baseUrl)),
    profileDir: dir,
    closeBrowser,
    close: async () => {
      await closeBrowser();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
