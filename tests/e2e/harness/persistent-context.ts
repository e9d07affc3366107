import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, guardContext, type GuardedContext } from './browser.ts';

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
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS], headless: true, viewport: { width: 1280, height: 800 } });
  return {
    ...(await guardContext(context, baseUrl)),
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
