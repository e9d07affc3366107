import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { screenshot, type GuardedContext } from './harness/browser.ts';
import { readAllIndexedDb } from './harness/raw-indexeddb.ts';
import { submitNewVault } from './harness/app-flows.ts';
import { pageForSuite } from './harness/page-for-suite.ts';

const PASSPHRASE = 'correct horse battery staple';
const NEW_PASSPHRASE = 'purple elephant dancing quietly 42';

/** First run: passphrase, recovery key shown once; returns the recovery key. */
async function createVault(page: Page): Promise<string> {
  await submitNewVault(page, PASSPHRASE);
  await page.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
  const key = (await page.getByTestId('recovery-key').textContent())?.trim() ?? '';
  await page.getByLabel('I saved my recovery key somewhere safe').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  return key;
}

async function addNotebook(page: Page, name: string): Promise<void> {
  await page.getByPlaceholder('New notebook').fill(name);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('button', { name, exact: true }).waitFor();
}

async function unlockWith(page: Page, secret: string): Promise<void> {
  await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
  const recovery = page.getByRole('button', { name: /recovery key/i });
  const field = secret.includes('-') && /^[0-9A-Z-]+$/.test(secret) ? 'recovery' : 'passphrase';
  if (field === 'recovery') {
    if (await recovery.count()) await recovery.first().click();
    await page.getByLabel(/recovery key/i).fill(secret);
  } else {
    await page.getByLabel('Passphrase').fill(secret);
  }
  await page.getByRole('button', { name: 'Unlock' }).click();
}

async function lock(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Lock the vault' }).first().click();
  await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
}

const wsUrl = (base: string, path: string) => new URL(path, base.replace(/^http/, 'ws')).toString();

const notebookNames = (page: Page) => page.locator('.notebook-list .nb-name').allTextContents();

describe('notebooks and settings (built app, Chromium)', () => {
  let device: GuardedContext;
  let page: Page;
  let recoveryKey: string;
  const baseUrl = inject('baseUrl');
  pageForSuite(baseUrl, (opened) => ({ device, page } = opened));

  beforeAll(async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    // Installed before the app loads so its timers and Date follow the test's clock (auto-lock).
    await page.clock.install();
    await page.goto(baseUrl);
    recoveryKey = await createVault(page);
  });

  it('renames a notebook and gives it a colour, shown beside its name', async () => {
    await addNotebook(page, 'Garden');
    await addNotebook(page, 'Kitchen');
    await page.getByRole('button', { name: 'Garden', exact: true }).click();
    await page.getByRole('button', { name: 'Edit notebook' }).click();
    await page.getByLabel('Notebook name', { exact: true }).fill('Allotment');
    await page.getByRole('radio', { name: 'Teal' }).check();
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, 'notebooks-editor-375');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Allotment', exact: true }).waitFor();
    expect(await notebookNames(page)).toEqual(['Allotment', 'Kitchen']);
    expect(await page.locator('.notebook-item', { hasText: 'Allotment' }).locator('.nb-dot').getAttribute('data-colour')).toBe('teal');
    await page.getByRole('button', { name: 'Kitchen', exact: true }).click();
    await page.getByRole('button', { name: 'New note' }).click();
    await page.getByLabel('Title').fill('Kitchen note');
    await page.getByText('Saved', { exact: true }).waitFor();
    await screenshot(page, 'notebooks-colour-1280');
  });

  it('deletes with a confirmation, and Undo brings the notebook back with its notes', async () => {
    await page.getByRole('button', { name: 'Edit notebook' }).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete “Kitchen”?' });
    await dialog.waitFor();
    await screenshot(page, 'notebooks-delete-confirm-1280');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Cancel');
    // Cancel keeps it.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await notebookNames(page)).toEqual(['Allotment', 'Kitchen']);
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete notebook' }).click();
    await page.getByText('Deleted “Kitchen”').waitFor();
    expect(await notebookNames(page)).toEqual(['Allotment']);
    await screenshot(page, 'notebooks-undo-toast-1280');
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('button', { name: 'Kitchen', exact: true }).waitFor();
    expect(await notebookNames(page)).toEqual(['Allotment', 'Kitchen']);
    await page.getByRole('button', { name: 'Kitchen', exact: true }).click();
    await page.locator('.note-list li[data-note-title="Kitchen note"]').waitFor();
    // The window passing after an undo changes nothing.
    await page.clock.runFor(15_000);
    expect(await notebookNames(page)).toEqual(['Allotment', 'Kitchen']);
  });

  it('a reload inside the undo window keeps the deletion undoable', async () => {
    await page.getByRole('button', { name: 'Kitchen', exact: true }).click();
    await page.getByRole('button', { name: 'Edit notebook' }).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete notebook' }).click();
    await page.getByText('Deleted “Kitchen”').waitFor();
    await page.reload();
    await unlockWith(page, PASSPHRASE);
    await page.getByText('Deleted “Kitchen”').waitFor();
    expect(await notebookNames(page)).toEqual(['Allotment']);
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('button', { name: 'Kitchen', exact: true }).waitFor();
  });

  it('a delete becomes final after the undo window, across a lock and unlock', async () => {
    const databasesBefore = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('obscura-box-')));
    await page.getByRole('button', { name: 'Kitchen', exact: true }).click();
    await page.getByRole('button', { name: 'Edit notebook' }).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete notebook' }).click();
    await page.getByText('Deleted “Kitchen”').waitFor();
    await page.clock.runFor(11_000);
    await expect.poll(() => page.getByText('Deleted “Kitchen”').count()).toBe(0);
    await expect
      .poll(async () => (await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('obscura-box-')))).length)
      .toBe(databasesBefore.length - 1);
    await lock(page);
    await unlockWith(page, PASSPHRASE);
    await page.getByRole('button', { name: 'Allotment', exact: true }).waitFor();
    expect(await notebookNames(page)).toEqual(['Allotment']);
    expect(await page.getByRole('button', { name: 'Undo' }).count()).toBe(0);
  });

  it('the settings screen is reachable by keyboard and has its sections', async () => {
    await page.getByRole('button', { name: 'Settings' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    for (const name of ['Models', 'Sync', 'Security']) await page.getByRole('heading', { name, level: 2 }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Settings');
    await page.locator('[data-model-id="centernet-mobilenetv3-coco80"]', { hasText: 'version 1.0.0' }).waitFor();
    const backend = page.getByTestId('ml-backend');
    await backend.waitFor({ timeout: 60_000 });
    expect(await backend.textContent()).toMatch(/Backend(WebAssembly \(wasm\)|WebGPU)Threads\d+/);
    await page.getByLabel('Signaling servers (one per line)').waitFor();
    expect(await page.getByLabel('Signaling servers (one per line)').inputValue()).toBe(wsUrl(baseUrl, '/signal'));
    await screenshot(page, 'settings-1280');
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, 'settings-375');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('refuses a public default signaling server with E_REPLICATION_PUBLIC_DEFAULT and keeps the old servers', async () => {
    const signaling = page.getByLabel('Signaling servers (one per line)');
    const before = await signaling.inputValue();
    await signaling.fill('wss://signaling.yjs.dev');
    await page.getByRole('button', { name: 'Save sync servers' }).click();
    await expect.poll(() => page.locator('#sync-problem').textContent()).toContain('A public signaling or STUN server was set');
    await page.getByLabel('STUN/TURN servers (one per line, optional)').fill('stun:stun.l.google.com:19302');
    await signaling.fill(before);
    await page.getByRole('button', { name: 'Save sync servers' }).click();
    await expect.poll(() => page.locator('#sync-problem').textContent()).toContain('public');
    await page.getByLabel('STUN/TURN servers (one per line, optional)').fill('');
    await page.getByLabel('Relay', { exact: true }).fill('http://relay.example.org');
    await page.getByRole('button', { name: 'Save sync servers' }).click();
    await expect.poll(() => page.locator('#sync-problem').textContent()).toContain('not a ws:// or wss:// address');
    await page.getByRole('button', { name: "Use this site's servers" }).click();
    expect(await page.locator('#sync-problem').count()).toBe(0);
    expect(await page.getByLabel('Relay', { exact: true }).inputValue()).toBe(wsUrl(baseUrl, '/relay'));
  });

  it('auto-lock: set to 1 minute, input resets it, idle locks (page.clock)', async () => {
    await page.getByLabel('Lock when idle').selectOption({ label: 'After 1 minute' });
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Back to notebooks' }).click();
    await page.getByRole('button', { name: 'Allotment', exact: true }).click();
    await page.getByRole('button', { name: 'New note' }).click();
    await page.clock.runFor(40_000);
    await page.getByLabel('Title').fill('Typed before going idle');
    await page.clock.runFor(40_000);
    // 80 s since the setting, 40 s since the last key: still unlocked.
    expect(await page.getByRole('heading', { name: 'Unlock Obscura' }).count()).toBe(0);
    await page.clock.runFor(25_000);
    await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    // The setting is per device and sealed: it is back after unlocking, and so is the title typed before the lock.
    await unlockWith(page, PASSPHRASE);
    await page.getByRole('button', { name: 'Allotment', exact: true }).click();
    await page.locator('.note-list li[data-note-title="Typed before going idle"]').waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    expect(await page.getByLabel('Lock when idle').inputValue()).toBe('1');
    await page.getByLabel('Lock when idle').selectOption({ label: 'Never' });
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.clock.runFor(120_000);
    expect(await page.getByRole('heading', { name: 'Settings', level: 1 }).count()).toBe(1);
  });

  it('changes the passphrase after checking the old one; the new one unlocks and the old one fails', async () => {
    await page.getByLabel('Current passphrase').fill('not my passphrase');
    await page.getByLabel('New passphrase', { exact: true }).fill(NEW_PASSPHRASE);
    await page.getByLabel('Repeat new passphrase').fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: 'Change passphrase' }).click();
    await expect.poll(() => page.locator('#settings-security .error').textContent(), { timeout: 30_000 }).toContain('passphrase is not right');
    await page.getByLabel('Current passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Change passphrase' }).click();
    await page.getByText('Passphrase changed.').waitFor({ timeout: 30_000 });
    await lock(page);
    await unlockWith(page, PASSPHRASE);
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 30_000 }).toContain('passphrase is not right');
    await unlockWith(page, NEW_PASSPHRASE);
    await page.getByRole('button', { name: 'Allotment', exact: true }).waitFor({ timeout: 30_000 });
  });

  it('regenerates the recovery key (shown once, "I saved it"); the new one unlocks and the old one fails', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Lock when idle').selectOption({ label: 'After 1 minute' });
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Create a new recovery key…' }).click();
    await page.getByRole('button', { name: 'Replace my recovery key' }).click();
    await page.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
    const fresh = (await page.getByTestId('recovery-key').textContent())?.trim() ?? '';
    expect(fresh).not.toBe(recoveryKey);
    expect(await page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
    // Auto-lock waits while the new key is on screen: locking now would lose it.
    await page.clock.runFor(120_000);
    expect(await page.getByRole('heading', { name: 'Save your recovery key' }).count()).toBe(1);
    await page.getByLabel('I saved my recovery key somewhere safe').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.clock.runFor(61_000);
    await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    await unlockWith(page, recoveryKey);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('recovery key is not right');
    await unlockWith(page, fresh);
    await page.getByRole('button', { name: 'Allotment', exact: true }).waitFor();
  });

  it('settings are sealed on the device; a record that does not open falls back to the defaults with a notice', async () => {
    const raw = await readAllIndexedDb(page);
    for (const plain of ['autoLockMinutes', 'scoreThreshold', '/signal']) expect(raw.includes(Buffer.from(plain, 'utf8')), plain).toBe(false);
    // Replace the sealed record with bytes that do not open under the vault key.
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('obscura');
          open.onsuccess = () => {
            const tx = open.result.transaction('chunks', 'readwrite');
            tx.objectStore('chunks').put(new Uint8Array(80).fill(7), ['device-record', 'settings']);
            tx.oncomplete = () => (open.result.close(), resolve());
            tx.onerror = () => reject(tx.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    await lock(page);
    await unlockWith(page, NEW_PASSPHRASE);
    await page.getByText('Your settings on this device could not be read').first().waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    expect(await page.getByLabel('Lock when idle').inputValue()).toBe('5');
    expect(await page.getByLabel('Read text in photos (OCR)').isChecked()).toBe(true);
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
