import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { guardedContext, launchChromium, screenshot, type GuardedContext } from './harness/browser.ts';

const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const PASSPHRASE = 'correct horse battery staple';
const RUN = Date.now().toString(36);
const NOTEBOOK = `Trips-${RUN}-bk`;
const TAG_TIMEOUT = 90_000;
const note = (page: Page, title: string) => page.locator(`.note-list li[data-note-title="${title}"]`);

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical axe-core findings (WCAG 2.1 A/AA, best practices) on the page as it is. */
async function axeFindings(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(() =>
    (window as unknown as { axe: { run(c: Document, o: object): Promise<unknown> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }),
  )) as { passes: unknown[]; violations: { id: string; impact: string | null }[] };
  expect(results.passes.length).toBeGreaterThan(10);
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

async function saved(download: Download, dir: string): Promise<Buffer> {
  const path = join(dir, download.suggestedFilename());
  await download.saveAs(path);
  return readFileSync(path);
}

function contains(haystack: Buffer, text: string): boolean {
  return haystack.includes(Buffer.from(text, 'utf8'));
}

describe('backup and export (built app, Chromium)', () => {
  let browser: Browser;
  let first: GuardedContext;
  let page: Page;
  let recoveryKey = '';
  let backupPath = '';
  const baseUrl = inject('baseUrl');
  const dir = mkdtempSync(join(tmpdir(), 'obscura-backup-e2e-'));
  const chelsea = readFileSync(join(PHOTOS, 'chelsea.jpg'));

  beforeAll(async () => {
    browser = await launchChromium();
    first = await guardedContext(browser, baseUrl);
    page = await first.newPage();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('a vault with a notebook and a photo note that tagged itself', async () => {
    await page.goto(baseUrl);
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Repeat passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Create vault' }).click();
    recoveryKey = (await page.getByTestId('recovery-key').textContent())?.trim() ?? '';
    expect(recoveryKey.length).toBeGreaterThan(20);
    await page.getByLabel('I saved my recovery key somewhere safe').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByPlaceholder('New notebook').fill(NOTEBOOK);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('#photo-files').setInputFiles([{ name: 'chelsea.jpg', mimeType: 'image/jpeg', buffer: chelsea }]);
    await note(page, 'chelsea').locator('.mini-chip', { hasText: /^cat$/ }).waitFor({ timeout: TAG_TIMEOUT });
  });

  it('Settings: the encrypted backup downloads, holds no plaintext; the plain zip warns first and holds the Markdown and the photo', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const section = page.locator('#settings-backup');
    await section.scrollIntoViewIfNeeded();
    await page.setViewportSize({ width: 1280, height: 800 });
    await section.screenshot({ path: join(resolve(import.meta.dirname, '..', 'artifacts'), 'backup-section-1280.png') });
    await page.setViewportSize({ width: 375, height: 812 });
    await section.screenshot({ path: join(resolve(import.meta.dirname, '..', 'artifacts'), 'backup-section-375.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    const [backup] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Download encrypted backup' }).click()]);
    expect(backup.suggestedFilename()).toMatch(/^obscura-backup-\d{4}-\d{2}-\d{2}\.obscura$/);
    const bytes = await saved(backup, dir);
    backupPath = join(dir, backup.suggestedFilename());
    await section.getByText(/Saved obscura-backup-.*1 photo|Saved obscura-backup-.*2 photo files/).waitFor();
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('OBSCBKUP');
    expect(bytes.length).toBeGreaterThan(chelsea.length);
    for (const plain of [NOTEBOOK, 'chelsea', '"cat"']) expect(contains(bytes, plain), plain).toBe(false);
    expect(bytes.includes(chelsea.subarray(2000, 2064))).toBe(false);

    await section.getByRole('button', { name: 'Export notes and photos…' }).click();
    await section.getByText('This file is NOT encrypted.').waitFor();
    expect(await axeFindings(page)).toEqual([]);
    await section.screenshot({ path: join(resolve(import.meta.dirname, '..', 'artifacts'), 'backup-plain-warning-1280.png') });
    const [zip] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Export unencrypted zip' }).click()]);
    expect(zip.suggestedFilename()).toMatch(/^obscura-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = unzipSync(new Uint8Array(await saved(zip, dir)));
    const names = Object.keys(files);
    const md = names.find((n) => n.startsWith(`${NOTEBOOK}/`) && n.endsWith(' chelsea.md'));
    const jpg = names.find((n) => n.startsWith(`${NOTEBOOK}/`) && n.endsWith(' chelsea.jpg'));
    expect(md, names.join(', ')).toBeDefined();
    expect(jpg, names.join(', ')).toBeDefined();
    const markdown = strFromU8(files[md ?? ''] ?? new Uint8Array());
    expect(markdown).toContain('# chelsea');
    expect(markdown).toMatch(/- cat \(0\.\d\d, model /);
    expect(Buffer.from(files[jpg ?? ''] ?? new Uint8Array()).equals(chelsea)).toBe(true);
    expect(strFromU8(files[`${NOTEBOOK}/notes.json`] ?? new Uint8Array())).toContain('"label": "cat"');
  });

  it('a fresh browser restores it from the first-run screen: a damaged file and a wrong passphrase change nothing, then the note and photo are there', async () => {
    const fresh = await guardedContext(browser, baseUrl);
    const other = await fresh.newPage();
    await other.goto(baseUrl);
    await other.getByRole('button', { name: 'Restore from a backup' }).click();
    await other.getByRole('heading', { name: 'Restore from a backup' }).waitFor();
    await screenshot(other, 'backup-restore-1280');
    expect(await axeFindings(other)).toEqual([]);
    await other.setViewportSize({ width: 375, height: 812 });
    await screenshot(other, 'backup-restore-375');
    expect(await axeFindings(other)).toEqual([]);
    await other.setViewportSize({ width: 1280, height: 800 });

    const bytes = readFileSync(backupPath);
    await other.getByLabel('Backup file').setInputFiles({ name: 'cut.obscura', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, bytes.length - 500) });
    await other.locator('#restore-secret-input').fill(PASSPHRASE);
    await other.getByRole('button', { name: 'Restore', exact: true }).click();
    await other.getByRole('alert').getByText(/incomplete/).waitFor();

    await other.getByLabel('Backup file').setInputFiles(backupPath);
    await other.locator('#restore-secret-input').fill('not the passphrase at all');
    await other.getByRole('button', { name: 'Restore', exact: true }).click();
    await other.getByRole('alert').getByText(/passphrase is not right/).waitFor({ timeout: 30_000 });
    await screenshot(other, 'backup-restore-wrong-1280');
    // Nothing was written: a reload still shows the first-run screen.
    await other.reload();
    await other.getByRole('button', { name: 'Create vault' }).waitFor();

    await other.getByRole('button', { name: 'Restore from a backup' }).click();
    await other.getByLabel('Backup file').setInputFiles(backupPath);
    await other.getByRole('radio', { name: 'Recovery key' }).check();
    await other.locator('#restore-secret-input').fill(recoveryKey);
    await other.getByRole('button', { name: 'Restore', exact: true }).click();
    await other.getByRole('button', { name: NOTEBOOK }).click({ timeout: 60_000 });
    await note(other, 'chelsea').locator('.mini-chip', { hasText: /^cat$/ }).waitFor({ timeout: 30_000 });
    await expect
      .poll(() => note(other, 'chelsea').locator('.thumb img').evaluate((i) => (i as HTMLImageElement).naturalWidth).catch(() => 0), { timeout: 30_000 })
      .toBeGreaterThan(0);

    // The restored vault unlocks with the passphrase after a reload.
    await other.reload();
    await other.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await other.getByRole('button', { name: 'Unlock' }).click();
    await other.getByRole('button', { name: NOTEBOOK }).click({ timeout: 60_000 });
    await note(other, 'chelsea').getByRole('button').click();
    await expect
      .poll(() => other.locator('img[alt^="Photo:"]').first().evaluate((i) => (i as HTMLImageElement).naturalWidth).catch(() => 0), { timeout: 30_000 })
      .toBeGreaterThan(0);
    expect(fresh.foreignRequests).toEqual([]);
    expect(fresh.pageErrors).toEqual([]);
  });
});
