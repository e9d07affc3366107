import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SyncedApp } from './harness/sync-servers.ts';
import { twoDevicesForSuite } from './harness/two-devices-for-suite.ts';
import { acceptDeviceLinkAnswer, addNotebook, answerDeviceLink, submitNewVault } from './harness/app-flows.ts';

/**
 * One recovery key per vault (issue 13 §3): a linked device shows no new key, the key saved on
 * the first device opens the linked one, and a new key made on one device replaces it on every
 * device once they synced (the old one stops opening any of them).
 */
const PASS_A = 'correct horse battery staple';
const PASS_B = 'a different passphrase here';
const NOTEBOOK = 'Recovery notebook';

async function unlockWith(page: Page, secret: { passphrase: string } | { recoveryKey: string }): Promise<void> {
  await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
  if ('recoveryKey' in secret) {
    const toggle = page.getByRole('button', { name: 'Forgot your passphrase? Use the recovery key' });
    if (await toggle.count()) await toggle.click();
    await page.getByLabel('Recovery key').fill(secret.recoveryKey);
  } else {
    const toggle = page.getByRole('button', { name: 'Use my passphrase instead' });
    if (await toggle.count()) await toggle.click();
    await page.getByLabel('Passphrase').fill(secret.passphrase);
  }
  await page.getByRole('button', { name: 'Unlock' }).click();
}

async function lock(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Lock the vault' }).first().click();
  await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
}

/** Settings → Security says which of the vault's recovery keys opens this device. */
async function recoveryState(page: Page): Promise<string> {
  return (await page.getByTestId('recovery-state').textContent()) ?? '';
}

describe('one recovery key per vault, on every device (built app, real relay and signaling)', () => {
  let server: SyncedApp;
  let a: Page;
  let b: Page;
  let firstKey = '';
  let secondKey = '';

  twoDevicesForSuite((opened) => ({ server, a, b } = opened));

  it('device A: the vault and its recovery key', async () => {
    await a.goto(server.url);
    await submitNewVault(a, PASS_A);
    await a.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
    firstKey = (await a.getByTestId('recovery-key').textContent())?.trim() ?? '';
    expect(firstKey.length).toBeGreaterThan(20);
    await a.getByLabel('I saved my recovery key somewhere safe').check();
    await a.getByRole('button', { name: 'Continue' }).click();
    await addNotebook(a, NOTEBOOK);
  });

  it('linking device B shows no new recovery key: B says the one already saved works there', async () => {
    await b.goto(server.url);
    await b.getByRole('button', { name: 'Link to my other device' }).click();
    const request = await b.locator('#device-request-link').inputValue();
    await a.getByRole('button', { name: 'Sync', exact: true }).click();
    const panel = a.getByRole('dialog');
    const answer = await answerDeviceLink(panel, request);
    await panel.getByRole('button', { name: 'Close sync panel' }).click();
    await acceptDeviceLinkAnswer(b, answer);
    await b.getByLabel('Passphrase', { exact: true }).fill(PASS_B);
    await b.getByLabel('Repeat passphrase').fill(PASS_B);
    await b.getByRole('button', { name: 'Link this device' }).click();
    // Either screen comes next; only the notebooks screen is right.
    await b.getByRole('heading', { name: 'Save your recovery key' }).or(b.getByRole('button', { name: NOTEBOOK })).first().waitFor({ timeout: 30_000 });
    expect(await b.getByTestId('recovery-key').count()).toBe(0);
    await b.getByRole('button', { name: NOTEBOOK }).waitFor({ timeout: 30_000 });
  });

  it('the recovery key saved on A opens B once B synced', async () => {
    await b.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(() => recoveryState(b), { timeout: 30_000 }).toMatch(/opens this device/);
    await lock(b);
    await unlockWith(b, { recoveryKey: firstKey });
    await b.getByRole('button', { name: NOTEBOOK }).waitFor({ timeout: 30_000 });
  });

  it('a new key made on B replaces it on A too: the old key opens neither, the new one both', async () => {
    await b.getByRole('button', { name: 'Settings' }).click();
    expect(await b.getByTestId('recovery-hint').textContent()).toMatch(/every device/);
    await b.getByRole('button', { name: 'Create a new recovery key…' }).click();
    await b.getByRole('button', { name: 'Replace my recovery key' }).click();
    await b.getByTestId('recovery-key').waitFor();
    secondKey = (await b.getByTestId('recovery-key').textContent())?.trim() ?? '';
    expect(secondKey).not.toBe(firstKey);
    await b.getByLabel('I saved my recovery key somewhere safe').check();
    await b.getByRole('button', { name: 'Continue' }).click();

    await a.getByRole('button', { name: 'Settings' }).click();
    const stateOnB = await recoveryState(b);
    await expect.poll(() => recoveryState(a), { timeout: 30_000 }).toBe(stateOnB);
    for (const page of [a, b]) {
      await lock(page);
      await unlockWith(page, { recoveryKey: firstKey });
      await page.getByRole('alert').filter({ hasText: 'recovery key is not right' }).waitFor({ timeout: 30_000 });
      await unlockWith(page, { recoveryKey: secondKey });
      await page.getByRole('button', { name: NOTEBOOK }).waitFor({ timeout: 30_000 });
    }
  });
});
