import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVITE_PATH, parseInviteLink } from '../../sync/share/invite-link.ts';
import { addNotebook, createVaultInUi, submitNewVault } from './harness/app-flows.ts';
import { guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';
import { persistentGuardedContext, type PersistentDevice } from './harness/persistent-context.ts';
import { linksInFile, profileFiles, scanProfile } from './harness/profile-scan.ts';
import { startSyncedApp, type SyncedApp } from './harness/sync-servers.ts';

/**
 * What a person types into the app must not stay readable in the browser profile (issue 13
 * §1). Device P has a real on-disk Chromium profile; every other device is a throwaway
 * context of a second browser. P types a marker into every field of every screen, keeps it
 * on screen long enough for Chromium to copy the page state (it does so on a timer) and
 * submits; links P is shown or pastes are markers too. Then P's browser is closed cleanly
 * (Chromium writes its session and form data on the way out) and every file of the profile
 * is searched for every marker, as UTF-8 and as UTF-16.
 *
 * What the app cannot keep out of a profile, a link the person opened (History keeps it,
 * fragment and all, before any script runs), must be worthless: the invite link P opened is
 * read back from P's History and opened on a fresh device, which is told it was used; the
 * device-link answer P used opens nothing elsewhere either.
 */
const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const token = () => randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
/**
 * Markers share no substring a compressor could fold: a word and a random token each. With a
 * space: the sidebar does not narrow a notebook name that has none (noted in the report).
 */
const mark = (word: string) => `${word} ${token()}`;
const SETUP_PASS = mark('setuppass');
const RESTORE_KEY = mark('restorekey');
const PASS_P = mark('passphrase');
const NOTEBOOK = mark('notebook');
const RENAMED = mark('renamed');
const TITLE = mark('title');
const BODY = mark('body');
const LABEL = mark('label');
const SEARCH = mark('search');
const DEVICE = mark('device');
const LINKED_NAME = mark('linkname');
const SIGNALING = mark('signaling');
const RELAY = mark('relay');
const BLOBS = mark('blobs');
const ICE = mark('turn');
const SPEC = mark('spec');
const SHA = mark('sha');
const OLD_PASS = mark('oldpass');
const NEW_PASS = mark('newpass');
const OTHER_NOTEBOOK = mark('shared');
/** Chromium copies a page's form state to the browser process about a second after a change; the session file is written from there. */
const ON_SCREEN_MS = 2500;

const onScreen = (page: Page) => page.waitForTimeout(ON_SCREEN_MS);
const linkPayload = (link: string) => link.slice(link.indexOf('#/') + 2).replace(/^[a-z-]+\//, '');

describe('the browser profile holds nothing a person typed (persistent Chromium profile, built app, relay)', () => {
  let server: SyncedApp;
  let browser: Browser;
  let p: PersistentDevice;
  let pageP: Page;
  const helpers: GuardedContext[] = [];
  /** Marker name -> text that must not be found in P's profile. */
  const markers = new Map<string, string>(
    Object.entries({ SETUP_PASS, RESTORE_KEY, PASS_P, NOTEBOOK, RENAMED, TITLE, BODY, LABEL, SEARCH, DEVICE, LINKED_NAME, SIGNALING, RELAY, BLOBS, ICE, SPEC, SHA, OLD_PASS, NEW_PASS }),
  );
  let usedInvite = '';
  let usedAnswer = '';

  const helper = async () => {
    const context = await guardedContext(browser, server.url);
    helpers.push(context);
    return context.newPage();
  };
  const sync = async (page: Page): Promise<Locator> => {
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    const panel = page.getByRole('dialog', { name: /^Sync/ });
    await panel.waitFor();
    return panel;
  };

  beforeAll(async () => {
    server = await startSyncedApp();
    browser = await launchChromium();
    p = await persistentGuardedContext(server.url);
    pageP = await p.newPage();
  });

  afterAll(async () => {
    await p?.close();
    await browser?.close();
    await server?.close();
  });

  it('P, first run: passphrase and backup fields; links itself to its other device by pasting the answer; its own passphrase', async () => {
    await pageP.goto(server.url);
    await pageP.getByLabel('Passphrase', { exact: true }).fill(SETUP_PASS);
    await pageP.getByLabel('Repeat passphrase').fill(SETUP_PASS);
    await onScreen(pageP);
    await pageP.getByRole('button', { name: 'Restore from a backup' }).click();
    await pageP.getByRole('radio', { name: 'Recovery key' }).check();
    await pageP.locator('#restore-secret-input').fill(RESTORE_KEY);
    await onScreen(pageP);
    await pageP.getByRole('button', { name: 'Back', exact: true }).click();
    await pageP.getByRole('button', { name: 'Link to my other device' }).click();
    const request = await pageP.locator('#device-request-link').inputValue();
    markers.set('device-link request shown', linkPayload(request));

    const other = await helper();
    await other.goto(server.url);
    await submitNewVault(other, 'the other device of P');
    // One recovery key per vault: shown on the device that made it, never on P; it must not be in P's profile either.
    const recoveryKey = (await other.getByTestId('recovery-key').textContent({ timeout: 30_000 }))?.trim() ?? '';
    expect(recoveryKey.length).toBeGreaterThan(20);
    markers.set('recovery key of the vault', recoveryKey);
    await other.getByLabel('I saved my recovery key somewhere safe').check();
    await other.getByRole('button', { name: 'Continue' }).click();
    const panel = await sync(other);
    await panel.getByRole('button', { name: 'Link a device' }).click();
    await panel.getByLabel('Link from the new device').fill(request);
    await panel.getByRole('button', { name: 'Continue' }).click();
    await panel.getByRole('button', { name: 'Yes, they match' }).click();
    usedAnswer = await panel.locator('#device-answer').inputValue();
    markers.set('device-link answer pasted', linkPayload(usedAnswer));

    await pageP.getByLabel('Answer from your other device').fill(usedAnswer);
    await onScreen(pageP);
    await pageP.getByRole('button', { name: 'Continue' }).click();
    expect(await pageP.getByTestId('check-code').textContent()).toBe(await panel.getByTestId('check-code').textContent());
    await pageP.getByRole('button', { name: 'Yes, it matches' }).click();
    await pageP.getByLabel('Name of this device').fill(LINKED_NAME);
    await pageP.getByLabel('Passphrase', { exact: true }).fill(PASS_P);
    await pageP.getByLabel('Repeat passphrase').fill(PASS_P);
    await onScreen(pageP);
    await pageP.getByRole('button', { name: 'Link this device' }).click();
    await pageP.getByPlaceholder('New notebook').waitFor({ timeout: 30_000 });
  });

  it('P opens another person’s invite link (so History has it), unlocks and joins', async () => {
    const inviter = await helper();
    await inviter.goto(server.url);
    await createVaultInUi(inviter, 'another person entirely');
    await addNotebook(inviter, OTHER_NOTEBOOK);
    const panel = await sync(inviter);
    await panel.getByRole('button', { name: 'Create invite link' }).click();
    usedInvite = await panel.locator('#invite-link').inputValue();

    // A fresh load, as from a chat app (in the open app a hash change joins at once): unlock first.
    await pageP.goto('about:blank');
    await pageP.goto(usedInvite);
    await pageP.getByLabel('Passphrase').fill(PASS_P);
    await onScreen(pageP);
    await pageP.getByRole('button', { name: 'Unlock', exact: true }).click();
    await pageP.getByRole('button', { name: 'Join this notebook' }).click();
    await pageP.getByRole('button', { name: OTHER_NOTEBOOK }).waitFor({ timeout: 45_000 });
    expect(pageP.url()).not.toContain('#');
  });

  it('P: a notebook made and renamed, a note’s title and text, a label, a search', async () => {
    await pageP.getByPlaceholder('New notebook').fill(NOTEBOOK);
    await onScreen(pageP);
    // By keyboard: with a notebook open, the notes pane lies over the sidebar's Add and ⋯ buttons (noted in the report).
    await pageP.getByPlaceholder('New notebook').press('Enter');
    await pageP.getByRole('button', { name: NOTEBOOK }).waitFor();
    const rename = pageP.getByLabel('Notebook name', { exact: true });
    // The list is redrawn when the new notebook's members reach the vault doc (own devices
    // added a moment later): a key pressed on a row being replaced opens nothing, so press again.
    for (let attempt = 0; attempt < 5 && !(await rename.isVisible()); attempt++) {
      await pageP.getByRole('button', { name: 'Edit notebook' }).press('Enter');
      await rename.waitFor({ timeout: 3000 }).catch(() => undefined);
    }
    await rename.fill(RENAMED);
    await onScreen(pageP);
    // A change of the vault doc (sync) redraws the editor with the stored name (noted in the report): type it again if so.
    if ((await rename.inputValue()) !== RENAMED) await rename.fill(RENAMED);
    await rename.press('Enter');
    await pageP.getByRole('button', { name: RENAMED }).waitFor();

    // A photo note: labels belong to photos.
    await pageP.locator('#photo-files').setInputFiles([{ name: 'chelsea.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(PHOTOS, 'chelsea.jpg')) }]);
    await pageP.locator('.note-list li[data-note-title="chelsea"]').getByRole('button').first().click();
    await pageP.getByLabel('Title').fill(TITLE);
    await pageP.locator('#note-body').fill(BODY);
    await pageP.getByLabel('New label').fill(LABEL);
    await onScreen(pageP);
    await pageP.getByRole('button', { name: 'Tag', exact: true }).click();
    await pageP.locator('.chip[data-source="user"]', { hasText: LABEL }).waitFor();
    await pageP.getByText('Saved', { exact: true }).waitFor();
    await pageP.getByLabel('Search notes', { exact: true }).fill(SEARCH);
    await onScreen(pageP);
    await pageP.getByLabel('Search notes', { exact: true }).press('Enter');
    await pageP.getByLabel('Search notes', { exact: true }).fill('');
  });

  it('P: its device name, an invite link shown, a new device’s request pasted and the answer shown', async () => {
    const panel = await sync(pageP);
    await panel.getByLabel('Device name').fill(DEVICE);
    await onScreen(pageP);
    await panel.getByRole('button', { name: 'Rename' }).click();
    await panel.getByText('Saved. Your other devices list the new name').waitFor();
    // The share screen says, in one line, that a link works once.
    await panel.getByText('A link works once: one device can join with it within 7 days, then it opens nothing.').waitFor();
    await panel.getByRole('button', { name: 'Create invite link' }).click();
    markers.set('invite link shown', linkPayload(await panel.locator('#invite-link').inputValue()));
    await onScreen(pageP);

    const newDevice = await helper();
    await newDevice.goto(server.url);
    await newDevice.getByRole('button', { name: 'Link to my other device' }).click();
    const request = await newDevice.locator('#device-request-link').inputValue();
    markers.set('device-link request pasted', linkPayload(request));
    await panel.getByRole('button', { name: 'Link a device' }).click();
    await panel.getByLabel('Link from the new device').fill(request);
    await onScreen(pageP);
    await panel.getByRole('button', { name: 'Continue' }).click();
    await panel.getByRole('button', { name: 'Yes, they match' }).click();
    markers.set('device-link answer shown', linkPayload(await panel.locator('#device-answer').inputValue()));
    await onScreen(pageP);
    await panel.getByRole('button', { name: 'Close sync panel' }).click();
  });

  it('P: settings typed and left unsaved (servers, a classifier spec and hash, a passphrase change)', async () => {
    await pageP.getByRole('button', { name: 'Settings', exact: true }).click();
    await pageP.getByLabel('Signaling servers (one per line)').fill(SIGNALING);
    await pageP.getByLabel('Relay', { exact: true }).fill(RELAY);
    await pageP.getByLabel('Photo relay (blobs)').fill(BLOBS);
    await pageP.getByLabel('STUN/TURN servers (one per line, optional)').fill(ICE);
    await pageP.getByLabel('Input spec (JSON)').fill(SPEC);
    await pageP.getByLabel('SHA-256 of the model, as published (recommended)').fill(SHA);
    await pageP.getByLabel('Current passphrase').fill(OLD_PASS);
    await pageP.getByLabel('New passphrase', { exact: true }).fill(NEW_PASS);
    await pageP.getByLabel('Repeat new passphrase').fill(NEW_PASS);
    await onScreen(pageP);
    await pageP.getByRole('button', { name: 'Back to notebooks' }).click();
    await pageP.getByPlaceholder('New notebook').waitFor();
  });

  it('after a clean close, no file of P’s profile holds any marker, as UTF-8 or UTF-16', async () => {
    await p.closeBrowser();
    const files = profileFiles(p.profileDir);
    // The files issue 13 found markers in exist: the search looks where Chromium writes.
    expect(existsSync(join(p.profileDir, 'Default', 'Web Data'))).toBe(true);
    expect(files.some((f) => f.startsWith(join('Default', 'Sessions', 'Session_')))).toBe(true);
    const scan = scanProfile(p.profileDir, markers);
    // The opened invite link is there (History and others): the search does find a link where one is kept.
    const opened = scanProfile(p.profileDir, new Map([['opened invite link', linkPayload(usedInvite)]]));
    console.log(
      `profile: ${scan.files.length} files, ${scan.bytes} bytes, ${markers.size} markers, ${scan.hits.length} hits` +
        `${scan.hits.map((h) => `\n  ${h}`).join('')}\n  the opened invite link is in: ${opened.hits.join(', ')}`,
    );
    expect(opened.hits.some((h) => h.startsWith(join('Default', 'History')))).toBe(true);
    expect(scan.hits).toEqual([]);
  });

  it('E_INVITE_USED: the invite link read back from P’s History opens nothing on a fresh device; the used device-link answer neither', async () => {
    const history = join(p.profileDir, 'Default', 'History');
    const found = linksInFile(history, new URL(server.url).origin, INVITE_PATH, (link) => parseInviteLink(link).ok);
    expect(found).toEqual([usedInvite]);
    // What it still tells whoever reads the profile: a v2 link names its notebook in clear (THREAT_MODEL.md "A copy of the browser profile").
    const readable = parseInviteLink(found[0]);
    expect(readable.ok && readable.value.notebookName).toBe(OTHER_NOTEBOOK);

    const fresh = await helper();
    await fresh.goto(usedAnswer);
    await fresh.getByRole('alert').filter({ hasText: 'This answer was made for another device' }).waitFor({ timeout: 20_000 });
    await fresh.goto('about:blank');
    await fresh.goto(found[0] ?? '');
    await createVaultInUi(fresh, 'a finder of old links');
    await fresh.getByRole('button', { name: 'Join this notebook' }).click();
    await fresh.locator('[role="alert"][data-code="E_INVITE_USED"]').waitFor({ timeout: 30_000 });
    expect(await fresh.getByRole('button', { name: OTHER_NOTEBOOK }).count()).toBe(0);
  });

  it('a device name an older version kept in clear localStorage moves into the sealed settings on unlock, and the clear copy is deleted', async () => {
    const page = await helper();
    await page.goto(server.url);
    // An older version asked for no name: the settings hold none.
    await page.getByLabel('Name of this device').fill('');
    await createVaultInUi(page, 'an older installation');
    await page.evaluate(() => localStorage.setItem('obscura-device-name', 'Old  kitchen laptop '));
    await page.getByRole('button', { name: 'Lock the vault' }).click();
    await page.getByLabel('Passphrase').fill('an older installation');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    const panel = await sync(page);
    await expect.poll(() => panel.getByLabel('Device name').inputValue()).toBe('Old kitchen laptop');
    // Only the tabs' lock marker (sync/tabs/lock-marker.ts: a random id, no secret) is left.
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual(['obscura-lock-marker']);
    // Sealed, it is back after the next unlock.
    await panel.getByRole('button', { name: 'Close sync panel' }).click();
    await page.getByRole('button', { name: 'Lock the vault' }).click();
    await page.getByLabel('Passphrase').fill('an older installation');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    expect(await (await sync(page)).getByLabel('Device name').inputValue()).toBe('Old kitchen laptop');
  });

  it('no page of any device asked for anything but 127.0.0.1 (the app’s origin), and none threw', () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    for (const device of [p, ...helpers]) {
      expect(device.foreignRequests).toEqual([]);
      expect(device.pageErrors).toEqual([]);
    }
  });
});
