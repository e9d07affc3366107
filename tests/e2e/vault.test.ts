import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { screenshot, type GuardedContext } from './harness/browser.ts';
import { readAllIndexedDb } from './harness/raw-indexeddb.ts';
import { submitNewVault } from './harness/app-flows.ts';
import { pageForSuite } from './harness/page-for-suite.ts';

const PASSPHRASE = 'correct horse battery staple';
const RUN = Date.now().toString(36);
const TITLE_MARKER = `TITLE-CANARY-${RUN}-q8v`;
const BODY_MARKER = `BODY-CANARY-${RUN}-z3k`;
const NOTEBOOK_NAME = `NOTEBOOK-CANARY-${RUN}-m1x`;

/** The bytes a marker would have inside a Yjs update (a length-prefixed UTF-8 string). */
function asInYjsUpdate(marker: string): Buffer {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, marker);
  const update = Buffer.from(Y.encodeStateAsUpdate(doc));
  const utf8 = Buffer.from(marker, 'utf8');
  const at = update.indexOf(utf8);
  expect(at).toBeGreaterThan(0);
  return update.subarray(at - 1, at + utf8.length);
}

describe('vault in the built app (Chromium)', () => {
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');
  pageForSuite(baseUrl, (opened) => ({ device, page } = opened));

  it('serves a cross-origin isolated page', async () => {
    await page.goto(baseUrl);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  it('creates a vault and shows the recovery key once', async () => {
    await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
    await screenshot(page, 'vault-setup');
    await submitNewVault(page, PASSPHRASE);
    await page.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
    const recoveryKey = await page.getByTestId('recovery-key').textContent();
    expect(recoveryKey?.trim().length).toBeGreaterThan(40);
    await screenshot(page, 'vault-recovery-key');
    const next = page.getByRole('button', { name: 'Continue' });
    expect(await next.isDisabled()).toBe(true);
    await page.getByLabel('I saved my recovery key somewhere safe').check();
    await next.click();
  });

  it('keeps a note in a notebook', async () => {
    await page.getByPlaceholder('New notebook').fill(NOTEBOOK_NAME);
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('button', { name: 'New note' }).click();
    await page.getByLabel('Title').fill(TITLE_MARKER);
    await page.getByLabel('Note', { exact: true }).fill(`A note that says ${BODY_MARKER} and nothing more.`);
    await page.getByText('Saved', { exact: true }).waitFor();
    await screenshot(page, 'vault-notebook');
  });

  it('after a reload, a wrong passphrase is refused and the right one shows the note', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    await page.getByLabel('Passphrase').fill('not the passphrase');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('passphrase is not right');
    await screenshot(page, 'vault-unlock-wrong-passphrase');
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('button', { name: NOTEBOOK_NAME }).waitFor();
    await screenshot(page, 'vault-unlocked');
    await expect.poll(() => page.getByLabel('Title').inputValue()).toBe(TITLE_MARKER);
    expect(await page.getByLabel('Note', { exact: true }).inputValue()).toContain(BODY_MARKER);
  });

  it('IndexedDB holds no byte of the note or the notebook name', async () => {
    // The notebook's kept search index (written a few seconds after the unlock built it) is scanned too.
    await expect.poll(async () => (await readAllIndexedDb(page)).includes(Buffer.from('search-index', 'utf8')), { timeout: 30_000 }).toBe(true);
    const raw = await readAllIndexedDb(page);
    expect(raw.length).toBeGreaterThan(500);
    for (const marker of [TITLE_MARKER, BODY_MARKER, NOTEBOOK_NAME]) {
      expect(raw.includes(Buffer.from(marker, 'utf8')), `${marker} as UTF-8`).toBe(false);
      expect(raw.includes(asInYjsUpdate(marker)), `${marker} as in a Yjs update`).toBe(false);
      expect(raw.includes(Buffer.from(marker.slice(0, 14), 'utf8')), `${marker} prefix`).toBe(false);
    }
  });

  it('locks: the keys are gone and the unlock screen is back', async () => {
    await page.getByRole('button', { name: 'Lock the vault' }).click();
    await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
    expect(await page.getByText(TITLE_MARKER).count()).toBe(0);
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
