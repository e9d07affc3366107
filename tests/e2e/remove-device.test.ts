import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNotebook, answerDeviceLink, submitNewVault } from './harness/app-flows.ts';
import { guardedContext, launchChromium, screenshot } from './harness/browser.ts';
import { startSyncedApp, type SyncedApp } from './harness/sync-servers.ts';

/**
 * "Remove this device" in the Sync panel (issue 18 §1): a laptop removes a stolen phone and
 * keeps the tablet and the reader. The tablet is locked and, unlocked with its own passphrase,
 * takes up the new vault key and keeps syncing; the reader, whose passphrase is forgotten,
 * takes it up with the recovery key and a new passphrase; the phone, left open, sees nothing
 * written after.
 */
const PASS = { laptop: 'laptop passphrase here', phone: 'phone passphrase here', tablet: 'tablet passphrase here', reader: 'reader passphrase here' };
const NOTEBOOK = 'Family';

const note = (page: Page, title: string) => page.locator(`.note-list li[data-note-title="${title}"]`);
const deviceNames = (page: Page) => page.getByRole('dialog').locator('.device-list li .device-name').allTextContents();

async function openSync(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sync', exact: true }).click();
  await page.getByRole('dialog').waitFor();
}

async function closeSync(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Close sync panel' }).click();
}

async function link(from: Page, to: Page, url: string, name: string, passphrase: string): Promise<void> {
  await to.goto(url);
  await to.getByRole('button', { name: 'Link to my other device' }).click();
  const request = await to.locator('#device-request-link').inputValue();
  await openSync(from);
  const answer = await answerDeviceLink(from.getByRole('dialog'), request);
  await closeSync(from);
  await to.getByLabel('Answer from your other device').fill(answer);
  await to.getByRole('button', { name: 'Continue' }).click();
  await to.getByRole('button', { name: 'Yes, it matches' }).click();
  await to.getByLabel('Name of this device').fill(name);
  await to.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await to.getByLabel('Repeat passphrase').fill(passphrase);
  await to.getByRole('button', { name: 'Link this device' }).click();
  await to.getByRole('button', { name: NOTEBOOK }).waitFor({ timeout: 30_000 });
}

async function write(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: 'New note' }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByText('Saved', { exact: true }).waitFor();
}

/** `timeout`: after an unlock that takes up a handover (Argon2id twice and the move to the new key), on a busy machine. */
async function openNotebook(page: Page, timeout = 30_000): Promise<void> {
  await page.getByRole('button', { name: NOTEBOOK, exact: true }).click({ timeout });
}

describe('Sync panel → Remove this device (built app, real relay, four Chromium devices)', () => {
  let server: SyncedApp;
  let browser: Browser;
  let laptop: Page;
  let phone: Page;
  let tablet: Page;
  let reader: Page;
  let recoveryKey = '';
  /** The code the laptop's Sync panel shows for itself: the tablet's question must show the same. */
  let laptopCode = '';

  beforeAll(async () => {
    server = await startSyncedApp();
    browser = await launchChromium();
    const page = async () => (await guardedContext(browser, server.url)).newPage();
    [laptop, phone, tablet, reader] = [await page(), await page(), await page(), await page()];
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('four devices of one person share a notebook', async () => {
    await laptop.goto(server.url);
    await laptop.getByLabel('Name of this device').fill('Ada laptop');
    await submitNewVault(laptop, PASS.laptop);
    recoveryKey = (await laptop.getByTestId('recovery-key').textContent())?.trim() ?? '';
    await laptop.getByLabel('I saved my recovery key somewhere safe').check();
    await laptop.getByRole('button', { name: 'Continue' }).click();
    await addNotebook(laptop, NOTEBOOK);
    await write(laptop, 'Written before the removal');
    await link(laptop, phone, server.url, 'Ada phone', PASS.phone);
    await link(laptop, tablet, server.url, 'Ada tablet', PASS.tablet);
    await link(laptop, reader, server.url, 'Ada reader', PASS.reader);
    for (const page of [phone, tablet, reader]) {
      await openNotebook(page);
      await note(page, 'Written before the removal').waitFor({ timeout: 30_000 });
    }
    await openSync(laptop);
    await expect.poll(() => deviceNames(laptop), { timeout: 30_000 }).toEqual(['Ada laptop', 'Ada phone', 'Ada tablet', 'Ada reader']);
  });

  it('the laptop removes the phone from the Sync panel: it says what happens, asks for the passphrase, shows a new recovery key; the phone is no longer listed', async () => {
    const panel = laptop.getByRole('dialog');
    await panel.getByRole('button', { name: 'Remove Ada phone from your devices' }).click();
    expect(await panel.getByTestId('remove-consequences').textContent()).toContain('Your other devices keep working');
    await panel.getByLabel('Type your passphrase to confirm').fill('not the passphrase');
    await panel.locator('.remove-device').getByRole('button', { name: 'Remove Ada phone from your devices' }).click();
    await expect.poll(() => panel.locator('.remove-device .error').textContent(), { timeout: 30_000 }).toContain('passphrase is not right');
    await panel.getByLabel('Type your passphrase to confirm').fill(PASS.laptop);
    await panel.locator('.remove-device').getByRole('button', { name: 'Remove Ada phone from your devices' }).click();
    await panel.getByTestId('device-removed').waitFor({ timeout: 60_000 });
    expect(await panel.getByTestId('device-removed').textContent()).toContain('Your 2 other devices ask for your passphrase once');
    expect((await panel.getByTestId('recovery-key').textContent())?.trim()).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){13}$/);
    await screenshot(laptop, 'remove-device-done-1280');
    expect(await deviceNames(laptop)).toEqual(['Ada laptop', 'Ada tablet', 'Ada reader']);
    await panel.getByRole('button', { name: 'I saved it' }).click();
    laptopCode = (await panel.getByTestId('device-code').textContent())?.trim() ?? '';
    expect(laptopCode).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    await closeSync(laptop);
  });

  it('the tablet locks and says why; unlocked with its passphrase it asks which device to keep ("Ada laptop removed Ada phone"), and keeping the laptop takes up the new key and syncs both ways with the laptop', async () => {
    await tablet.getByRole('heading', { name: 'Unlock Obscura' }).waitFor({ timeout: 60_000 });
    expect(await tablet.getByRole('alert').textContent()).toContain('removed a device from your vault');
    await tablet.getByLabel('Passphrase').fill(PASS.tablet);
    await tablet.getByRole('button', { name: 'Unlock' }).click();
    // The one question: the handover could be the thief's (the phone removing the laptop).
    const question = tablet.locator('.handover-question');
    await question.waitFor({ timeout: 60_000 });
    // Each device with its code, as its own Sync panel shows it (review-keep 1).
    expect(await question.textContent()).toMatch(/Ada laptop \([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}\) removed Ada phone \([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}\) from your vault/);
    expect(await question.textContent()).toContain(`Ada laptop (${laptopCode}) removed`);
    await screenshot(tablet, 'remove-device-keep-question-1280');
    await question.getByRole('button', { name: 'Keep Ada laptop' }).click();
    await openNotebook(tablet, 120_000);
    await write(laptop, 'Written after the removal');
    await note(tablet, 'Written after the removal').waitFor({ timeout: 60_000 });
    await write(tablet, 'Written on the tablet');
    await note(laptop, 'Written on the tablet').waitFor({ timeout: 60_000 });
  }, 300_000);

  it('the reader, its passphrase forgotten, unlocks with the recovery key: asked which device to keep, then for a new passphrase, it takes up the new key and reads what was written after', async () => {
    await reader.getByRole('heading', { name: 'Unlock Obscura' }).waitFor({ timeout: 60_000 });
    await reader.getByRole('button', { name: 'Forgot your passphrase? Use the recovery key' }).click();
    await reader.getByLabel('Recovery key').fill(recoveryKey);
    await reader.getByRole('button', { name: 'Unlock' }).click();
    await reader.locator('.handover-question').getByRole('button', { name: 'Keep Ada laptop' }).click({ timeout: 60_000 });
    await expect.poll(() => reader.getByRole('alert').textContent(), { timeout: 30_000 }).toContain('Choose a new passphrase');
    await reader.getByLabel('New passphrase', { exact: true }).fill('reader new passphrase');
    await reader.getByLabel('Repeat new passphrase').fill('reader new passphrase');
    await reader.getByRole('button', { name: 'Unlock' }).click();
    await openNotebook(reader, 120_000);
    await note(reader, 'Written after the removal').waitFor({ timeout: 60_000 });
    await note(reader, 'Written on the tablet').waitFor({ timeout: 60_000 });
  }, 300_000);

  it('the removed phone, still open, sees nothing written after its removal, and the others see nothing it writes', async () => {
    await write(phone, 'Written on the removed phone');
    // Both notes are on the tablet already; the phone has had the same time and more.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(await note(phone, 'Written after the removal').count()).toBe(0);
    expect(await note(phone, 'Written on the tablet').count()).toBe(0);
    expect(await note(phone, 'Written before the removal').count()).toBe(1);
    expect(await note(laptop, 'Written on the removed phone').count()).toBe(0);
    expect(await note(tablet, 'Written on the removed phone').count()).toBe(0);
    await screenshot(phone, 'remove-device-phone-1280');
  });
});
