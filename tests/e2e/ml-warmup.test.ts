import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import type { GuardedContext } from './harness/browser.ts';
import { createVaultWithNotebook, noteCard, unlockAndOpen } from './harness/photo-notes.ts';
import { pageForSuite } from './harness/page-for-suite.ts';
import { poolLayout } from '../../ml/worker/ml-worker-pool.ts';

const PASSPHRASE = 'warm models while the person types';
const CHELSEA = readFileSync(join(resolve(import.meta.dirname, '..', 'fixtures', 'photos'), 'chelsea.jpg'));
const mlWorkers = (page: Page) => page.workers().filter((w) => w.url().includes('ml.worker'));

/**
 * Issue 16 §2: the first tag after an unlock should not wait for the models to load, so the
 * unlock screen starts the ML workers and loads them while the person types (src/app/ml-warmup.ts),
 * and the notebook's tagging uses those same workers (a pool: two on two cores, ml/worker/ml-worker-pool.ts).
 */
describe('models load while the person unlocks (built app, Chromium)', () => {
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');
  const requested: string[] = [];
  pageForSuite(baseUrl, (opened) => ({ device, page } = opened));

  let poolSize = 0;

  it('the unlock screen starts the ML workers and fetches the detector before anything is typed', async () => {
    await createVaultWithNotebook(page, baseUrl, PASSPHRASE, 'Warm');
    device.context.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.reload();
    await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    poolSize = poolLayout(await page.evaluate(() => navigator.hardwareConcurrency)).workers;
    expect(poolSize).toBeGreaterThanOrEqual(2); // this machine has two cores or more
    await expect.poll(() => mlWorkers(page).length, { timeout: 30_000 }).toBe(poolSize);
    await expect.poll(() => requested.includes('/models/generated/centernet.onnx'), { timeout: 60_000 }).toBe(true);
    expect(await page.getByLabel('Passphrase').inputValue()).toBe('');
  });

  it('after the unlock a photo is tagged by those workers: no other one starts', async () => {
    await unlockAndOpen(page, PASSPHRASE, 'Warm');
    await page.locator('#photo-files').setInputFiles([{ name: 'chelsea.jpg', mimeType: 'image/jpeg', buffer: CHELSEA }]);
    await noteCard(page, 'chelsea').locator('.mini-chip', { hasText: /^cat$/ }).waitFor({ timeout: 90_000 });
    expect(mlWorkers(page)).toHaveLength(poolSize);
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
