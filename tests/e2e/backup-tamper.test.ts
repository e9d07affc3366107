import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sodiumReady } from '../../crypto/index.ts';
import { SECTION } from '../../sync/backup/backup-format.ts';
import { rewriteBackup } from '../helpers/rewrite-backup.ts';
import { guardedContext, launchChromium, screenshot, type GuardedContext } from './harness/browser.ts';
import { addNotebook, createVaultInUi } from './harness/app-flows.ts';

/**
 * Issue 18 §4 in the built app: a backup whose notebooks were dropped, with every unkeyed
 * hash and the END chain recomputed (tests/helpers/rewrite-backup.ts), restored with every
 * notebook empty and no error. Now the restore checks the file's seal once the secret opened
 * it, says the file was changed, and writes nothing.
 */
const PASSPHRASE = 'correct horse battery staple';
const NOTEBOOK = 'Tampered trips';
const TITLE = 'a note the tamperer dropped';

async function restore(page: Page, file: { name: string; buffer: Buffer }): Promise<void> {
  await page.getByLabel('Backup file').setInputFiles({ ...file, mimeType: 'application/octet-stream' });
  await page.locator('#restore-secret-input').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
}

describe('a tampered backup (built app, Chromium)', () => {
  let browser: Browser;
  let maker: GuardedContext;
  let backup = Buffer.alloc(0);
  const baseUrl = inject('baseUrl');

  beforeAll(async () => {
    await sodiumReady();
    browser = await launchChromium();
    maker = await guardedContext(browser, baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('a vault with a notebook and a note, backed up', async () => {
    const page = await maker.newPage();
    await page.goto(baseUrl);
    await createVaultInUi(page, PASSPHRASE);
    await addNotebook(page, NOTEBOOK);
    await page.getByRole('button', { name: 'New note' }).click();
    await page.getByLabel('Title').fill(TITLE);
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download encrypted backup' }).click()]);
    const path = join(mkdtempSync(join(tmpdir(), 'obscura-backup-tamper-')), download.suggestedFilename());
    await download.saveAs(path);
    backup = readFileSync(path);
    expect(backup.length).toBeGreaterThan(100);
  });

  it('with its notebooks dropped and its hashes recomputed, the restore says it was changed and writes nothing', async () => {
    const tampered = Buffer.from(rewriteBackup(new Uint8Array(backup), (sections) => sections.filter((s) => s.type !== SECTION.notebookBox)));
    const fresh = await guardedContext(browser, baseUrl);
    const page = await fresh.newPage();
    await page.goto(baseUrl);
    await page.getByRole('button', { name: 'Restore from a backup' }).click();
    await restore(page, { name: 'tampered.obscura', buffer: tampered });
    await page.getByRole('alert').getByText(/changed after it was made/).waitFor({ timeout: 30_000 });
    await screenshot(page, 'backup-restore-tampered-1280');
    await page.reload();
    await page.getByRole('button', { name: 'Create vault' }).waitFor();

    // The file as it was made still restores, with its note.
    await page.getByRole('button', { name: 'Restore from a backup' }).click();
    await restore(page, { name: 'backup.obscura', buffer: backup });
    await page.getByRole('button', { name: NOTEBOOK }).click({ timeout: 60_000 });
    await page.locator(`.note-list li[data-note-title="${TITLE}"]`).waitFor({ timeout: 30_000 });
    expect(fresh.foreignRequests).toEqual([]);
    expect(fresh.pageErrors).toEqual([]);
    expect(maker.foreignRequests).toEqual([]);
  });

  it('a backup without a seal (format 1, made by an older version) is restored only after the person says it is their file', async () => {
    const unsealed = Buffer.from(rewriteBackup(new Uint8Array(backup), (sections) => sections, { version: 1, endTail: () => new Uint8Array(0) }));
    const fresh = await guardedContext(browser, baseUrl);
    const page = await fresh.newPage();
    await page.goto(baseUrl);
    await page.getByRole('button', { name: 'Restore from a backup' }).click();
    const file = { name: 'old.obscura', buffer: unsealed };
    await page.getByLabel('Backup file').setInputFiles({ ...file, mimeType: 'application/octet-stream' });
    await page.locator('#restore-secret-input').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByRole('alert').getByText(/has no seal/).waitFor({ timeout: 30_000 });
    await screenshot(page, 'backup-restore-unsealed-1280');
    await page.getByLabel(/This is the file I saved/).check();
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByRole('button', { name: NOTEBOOK }).click({ timeout: 60_000 });
    await page.locator(`.note-list li[data-note-title="${TITLE}"]`).waitFor({ timeout: 30_000 });
    expect(fresh.foreignRequests).toEqual([]);
    expect(fresh.pageErrors).toEqual([]);
  });
});
