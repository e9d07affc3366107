import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { screenshot } from './harness/browser.ts';
import { addNotebook, submitNewVault } from './harness/app-flows.ts';
import { pageForSuite } from './harness/page-for-suite.ts';

const PASSPHRASE = 'correct horse battery staple';

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

const boxDatabases = (page: Page): Promise<string[]> =>
  page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('obscura-box-')).sort());

describe('Settings → Security → Rotate the vault key (built app, Chromium)', () => {
  let page: Page;
  let oldRecoveryKey = '';
  let newRecoveryKey = '';
  const baseUrl = inject('baseUrl');
  pageForSuite(baseUrl, (opened) => ({ page } = opened));

  beforeAll(async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(baseUrl);
    await submitNewVault(page, PASSPHRASE);
    await page.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
    oldRecoveryKey = (await page.getByTestId('recovery-key').textContent())?.trim() ?? '';
    await page.getByLabel('I saved my recovery key somewhere safe').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await addNotebook(page, 'Journal');
    await page.getByRole('button', { name: 'New note' }).click();
    await page.getByLabel('Title').fill('Written before the rotation');
    await page.getByText('Saved', { exact: true }).waitFor();
  });

  it('the passphrase and recovery-key sections say they re-wrap the same key; every input of the section has its autocomplete set', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Security', level: 2 }).waitFor();
    expect(await page.getByTestId('passphrase-hint').textContent()).toMatch(/re-wraps the same vault key.*old backup.*still opens with the old passphrase/s);
    expect(await page.getByTestId('recovery-hint').textContent()).toMatch(/re-wraps the same vault key.*old backup still opens/s);
    await page.getByRole('button', { name: 'Rotate the vault key…' }).click();
    await page.getByLabel('Type your passphrase to confirm').waitFor();
    const inputs = await page.locator('#settings-security input').evaluateAll((list) => list.map((i) => ({ id: i.id, type: (i as HTMLInputElement).type, autocomplete: i.getAttribute('autocomplete') })));
    expect(inputs.map((i) => i.id)).toContain('rotate-passphrase');
    for (const input of inputs) {
      if (input.type === 'password') expect(['current-password', 'new-password'], input.id).toContain(input.autocomplete);
      else expect(input.autocomplete, input.id).toBe('off');
    }
    expect(inputs.find((i) => i.id === 'rotate-passphrase')?.autocomplete).toBe('current-password');
  });

  it('the confirmation says what rotation protects against, that other devices are signed out, which notebooks keep their key and what old backups hold', async () => {
    const text = (await page.getByTestId('rotate-consequences').textContent()) ?? '';
    expect(text).toContain('old passphrase or old recovery key together with an old copy of your vault');
    expect(text).toContain('Old backups still open with your old passphrase or old recovery key, but hold nothing written from now on');
    expect(await page.getByTestId('rotate-devices').textContent()).toBe('No other device of yours uses this vault.');
    expect(await page.getByTestId('rotate-kept').textContent()).toContain('Every notebook you have is yours');
    await screenshot(page, 'settings-rotate-vault-key-confirm-1280');
  });

  it('E_PASSPHRASE: a wrong passphrase rotates nothing and says so', async () => {
    await page.getByLabel('Type your passphrase to confirm').fill('not my passphrase');
    await page.getByRole('button', { name: 'Rotate the vault key', exact: true }).click();
    await expect.poll(() => page.locator('.rotate-confirm .error').textContent(), { timeout: 30_000 }).toContain('passphrase is not right');
    expect(await page.getByRole('heading', { name: 'Settings', level: 1 }).count()).toBe(1);
  });

  it('rotates: the new recovery key is shown once, with a note that the old one stopped working; every box moved to a new database', async () => {
    const before = await boxDatabases(page);
    await page.getByLabel('Type your passphrase to confirm').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Rotate the vault key', exact: true }).click();
    await page.getByRole('heading', { name: 'Save your new recovery key' }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('status').first().textContent()).toContain('Your old recovery key no longer opens this vault');
    newRecoveryKey = (await page.getByTestId('recovery-key').textContent())?.trim() ?? '';
    expect(newRecoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){13}$/);
    expect(newRecoveryKey).not.toBe(oldRecoveryKey);
    await screenshot(page, 'settings-rotate-vault-key-recovery-1280');
    await page.getByLabel('I saved my recovery key somewhere safe').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('rotation-done').waitFor();
    expect(await page.getByTestId('rotation-done').textContent()).toContain('Vault key rotated.');
    const after = await boxDatabases(page);
    expect(after).toHaveLength(before.length);
    expect(after.filter((name) => before.includes(name))).toEqual([]);
  });

  it('locks and unlocks with the same passphrase: the notes are there; the old recovery key fails (E_RECOVERY_KEY), the new one opens', async () => {
    await lock(page);
    await unlockWith(page, { passphrase: PASSPHRASE });
    await page.getByRole('button', { name: 'Journal', exact: true }).click();
    await page.locator('.note-list li[data-note-title="Written before the rotation"]').waitFor({ timeout: 30_000 });
    await lock(page);
    await unlockWith(page, { recoveryKey: oldRecoveryKey });
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 30_000 }).toContain('recovery key is not right');
    await unlockWith(page, { recoveryKey: newRecoveryKey });
    await page.getByRole('button', { name: 'Journal', exact: true }).click();
    await page.locator('.note-list li[data-note-title="Written before the rotation"]').waitFor({ timeout: 30_000 });
  });
});
