import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SyncedApp } from './harness/sync-servers.ts';
import { twoDevicesForSuite } from './harness/two-devices-for-suite.ts';
import { acceptDeviceLinkAnswer, addNotebook, answerDeviceLink } from './harness/app-flows.ts';

/**
 * Device names (issue 13 §3): asked for when a device is set up or linked (prefilled from the
 * platform with something that tells two alike apart), renamed later, shown with a last-seen
 * time on the person's other devices, also while that device is offline: they travel sealed in
 * the vault doc, not only in presence.
 */
const PASS_A = 'correct horse battery staple';
const PASS_B = 'a different passphrase here';
const NOTEBOOK = 'Names notebook';
const LAPTOP = 'Ada laptop';
const PHONE = 'Ada phone';
const PHONE_RENAMED = 'Ada old phone';

const devices = (page: Page) => page.getByRole('dialog').locator('.device-list li');
const deviceNames = (page: Page) => devices(page).locator('.device-name').allTextContents();

async function openSync(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sync', exact: true }).click();
  await page.getByRole('dialog').waitFor();
}

async function closeSync(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Close sync panel' }).click();
}

describe('device names: asked at setup and link, renamed, seen by the other devices (built app, real relay)', () => {
  let server: SyncedApp;
  let a: Page;
  let b: Page;

  twoDevicesForSuite((opened) => ({ server, a, b } = opened));

  it('setup asks for this device’s name, prefilled with the platform and something that tells devices apart', async () => {
    await a.goto(server.url);
    const name = a.getByLabel('Name of this device');
    const prefilled = await name.inputValue();
    expect(prefilled).toMatch(/^Chrome on Linux\b/);
    expect(prefilled).not.toBe('Chrome on Linux');
    expect(await name.getAttribute('autocomplete')).toBe('off');
    await name.fill(LAPTOP);
    await a.getByLabel('Passphrase', { exact: true }).fill(PASS_A);
    await a.getByLabel('Repeat passphrase').fill(PASS_A);
    await a.getByRole('button', { name: 'Create vault' }).click();
    await a.getByLabel('I saved my recovery key somewhere safe').check();
    await a.getByRole('button', { name: 'Continue' }).click();
    await addNotebook(a, NOTEBOOK);
  });

  it('linking asks for the new device’s name too; each device lists both by name with when it was last seen', async () => {
    await b.goto(server.url);
    await b.getByRole('button', { name: 'Link to my other device' }).click();
    const request = await b.locator('#device-request-link').inputValue();
    await openSync(a);
    const panel = a.getByRole('dialog');
    const answer = await answerDeviceLink(panel, request);
    await closeSync(a);
    await acceptDeviceLinkAnswer(b, answer);
    const name = b.getByLabel('Name of this device');
    expect(await name.inputValue()).toMatch(/^Chrome on Linux\b/);
    await name.fill(PHONE);
    await b.getByLabel('Passphrase', { exact: true }).fill(PASS_B);
    await b.getByLabel('Repeat passphrase').fill(PASS_B);
    await b.getByRole('button', { name: 'Link this device' }).click();
    await b.getByRole('button', { name: NOTEBOOK }).waitFor({ timeout: 30_000 });

    await openSync(a);
    await expect.poll(() => deviceNames(a), { timeout: 30_000 }).toEqual([LAPTOP, PHONE]);
    expect(await devices(a).filter({ hasText: LAPTOP }).textContent()).toContain('this device');
    expect(await devices(a).filter({ hasText: PHONE }).locator('.last-seen').textContent()).toMatch(/seen (just now|\d+ (second|minute)s? ago)/);
    await openSync(b);
    await expect.poll(() => deviceNames(b), { timeout: 30_000 }).toEqual([PHONE, LAPTOP]);
  });

  it('a rename on one device reaches the other; its members list names it from there while it is offline', async () => {
    const panel = b.getByRole('dialog');
    await panel.getByLabel('Device name').fill(PHONE_RENAMED);
    await panel.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => deviceNames(b)).toEqual([PHONE_RENAMED, LAPTOP]);
    await expect.poll(() => deviceNames(a), { timeout: 30_000 }).toEqual([LAPTOP, PHONE_RENAMED]);
    await b.context().close();
    const member = a.getByRole('dialog').locator('.member-list li', { hasText: 'your device' });
    await expect.poll(() => member.locator('.member-name').textContent(), { timeout: 30_000 }).toBe(PHONE_RENAMED);
    expect(await a.getByRole('dialog').textContent()).not.toContain('Chrome on Linux');
  });
});
