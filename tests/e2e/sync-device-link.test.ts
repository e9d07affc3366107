import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';
import { markerForms, scan, type CanaryReport } from './harness/canary.ts';
import { startSyncedApp, type SyncedApp } from './harness/sync-servers.ts';
import { addNotebook, createVaultInUi } from './harness/app-flows.ts';

/**
 * Linking a second device of the same person, through the UI of both (separate browser
 * contexts): the new device shows a request, the old one answers from its sync panel, both
 * compare digits, the new one sets its own passphrase and gets every notebook. Also: links
 * that do not work say why (a changed invite, a garbage answer or request).
 */
const RUN = Date.now().toString(36);
const NOTEBOOK = `Linked-CANARY-${RUN}-n1`;
const TITLE = `Linked-title-CANARY-${RUN}-t8`;
const PASS_OLD = 'correct horse battery staple';
const PASS_NEW = 'a different passphrase here';

const note = (page: Page, title: string) => page.locator(`.note-list li[data-note-title="${title}"]`);

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const size of [{ width: 1280, height: 800 }, { width: 375, height: 812 }]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${size.width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('linking a new device and links that do not work (built app, real relay and signaling)', () => {
  let browser: Browser;
  let server: SyncedApp;
  const devices: GuardedContext[] = [];
  let oldPage: Page;
  let newPage: Page;
  let stranger: Page;
  let invite = '';

  const device = async () => {
    const context = await guardedContext(browser, server.url);
    devices.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    server = await startSyncedApp();
    browser = await launchChromium();
    oldPage = await device();
    newPage = await device();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the old device has a vault with a notebook and a note', async () => {
    await oldPage.goto(server.url);
    await createVaultInUi(oldPage, PASS_OLD);
    await addNotebook(oldPage, NOTEBOOK);
    await oldPage.getByRole('button', { name: 'New note' }).click();
    await oldPage.getByLabel('Title').fill(TITLE);
    await note(oldPage, TITLE).waitFor();
    await oldPage.getByText('Saved', { exact: true }).waitFor();
  });

  it('E_DEVICE_LINK_FORMAT: the old device refuses a request that is not one, and says so', async () => {
    await oldPage.getByRole('button', { name: 'Sync', exact: true }).click();
    const panel = oldPage.getByRole('dialog');
    await panel.getByRole('button', { name: 'Link a device' }).click();
    await panel.getByLabel('Link from the new device').fill(`${new URL(server.url).origin}/#/link-device/AwID`);
    await panel.getByRole('button', { name: 'Continue' }).click();
    await panel.getByRole('alert').filter({ hasText: 'not a complete device link' }).waitFor();
  });

  it('E_DEVICE_LINK_CLOCK_SKEW, E_DEVICE_LINK_EXPIRED: a request from a new device whose clock is half an hour ahead, or behind, is refused and says the clocks differ', async () => {
    const panel = oldPage.getByRole('dialog');
    const cases: [number, RegExp][] = [
      [30 * 60_000, /30 minutes ahead of this device/],
      [-30 * 60_000, /expired .*clocks .*differ/],
    ];
    for (const [offset, words] of cases) {
      const skewed = await device();
      await skewed.clock.setFixedTime(new Date(Date.now() + offset));
      await skewed.goto(server.url);
      await skewed.getByRole('button', { name: 'Link to my other device' }).click();
      await panel.getByLabel('Link from the new device').fill(await skewed.locator('#device-request-link').inputValue());
      await panel.getByRole('button', { name: 'Continue' }).click();
      await panel.getByRole('alert').filter({ hasText: words }).waitFor();
      await skewed.close();
    }
  });

  it('after its 10 minutes the new device says its link expired, and makes a new one (another fingerprint) on request', async () => {
    const waiting = await device();
    await waiting.clock.install();
    await waiting.goto(server.url);
    await waiting.getByRole('button', { name: 'Link to my other device' }).click();
    const first = await waiting.getByTestId('request-fingerprint').textContent();
    await waiting.clock.fastForward('10:01');
    await waiting.getByRole('alert').filter({ hasText: 'This link has expired' }).waitFor();
    expect(await waiting.getByTestId('request-fingerprint').count()).toBe(0);
    await waiting.getByRole('button', { name: 'Make a new link' }).click();
    const second = await waiting.getByTestId('request-fingerprint').textContent();
    expect(second).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}( [0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(second).not.toBe(first);
    await waiting.close();
  });

  it('new device: request, answer, matching digits both ways, own passphrase, every notebook arrives', async () => {
    await newPage.goto(server.url);
    await newPage.getByRole('button', { name: 'Link to my other device' }).click();
    const request = await newPage.locator('#device-request-link').inputValue();
    expect(request.startsWith(`${new URL(server.url).origin}/#/link-device/`)).toBe(true);
    const fingerprint = await newPage.getByTestId('request-fingerprint').textContent();
    // 80 bits: 16 Crockford base32 characters in 4 groups.
    expect(fingerprint).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}( [0-9A-HJKMNP-TV-Z]{4}){3}$/);
    await shoot(newPage, 'device-link-request');

    // A garbage answer is refused with its own words, and nothing is stored.
    await newPage.getByLabel('Answer from your other device').fill('https://example.invalid/#/linked/not*a*link');
    await newPage.getByRole('button', { name: 'Continue' }).click();
    await newPage.getByRole('alert').filter({ hasText: /not a complete device link/ }).waitFor();

    const panel = oldPage.getByRole('dialog');
    await panel.getByLabel('Link from the new device').fill(request);
    await panel.getByRole('button', { name: 'Continue' }).click();
    expect(await panel.getByTestId('request-fingerprint').textContent()).toBe(fingerprint);
    await panel.getByRole('button', { name: 'Yes, they match' }).click();
    const answer = await panel.locator('#device-answer').inputValue();
    const code = await panel.getByTestId('check-code').textContent();
    expect(code).toMatch(/^\d{3} \d{3}$/);
    await panel.getByRole('img', { name: 'QR code of the Answer for the new device' }).waitFor();
    await panel.evaluate((d) => d.scrollTo(0, d.scrollHeight));
    await shoot(oldPage, 'device-link-answer');

    // As a scanned QR code does: the answer opens in a new tab, which hands it to the waiting one.
    const scanned = await newPage.context().newPage();
    await scanned.goto(answer);
    await scanned.getByText('Answer passed to the Obscura tab that asked for it.').waitFor();
    expect(scanned.url()).not.toContain('#');
    await scanned.close();
    expect(await newPage.getByTestId('check-code').textContent()).toBe(code);
    await shoot(newPage, 'device-link-check-code');
    await newPage.getByRole('button', { name: 'Yes, it matches' }).click();
    await newPage.getByLabel('Passphrase', { exact: true }).fill(PASS_NEW);
    await newPage.getByLabel('Repeat passphrase').fill(PASS_NEW);
    await newPage.getByRole('button', { name: 'Link this device' }).click();
    await newPage.getByRole('button', { name: NOTEBOOK }).waitFor({ timeout: 30_000 });
    await note(newPage, TITLE).waitFor({ timeout: 30_000 });

    // Its own passphrase unlocks it after a reload.
    await newPage.reload();
    await newPage.getByLabel('Passphrase').fill(PASS_NEW);
    await newPage.getByRole('button', { name: 'Unlock' }).click();
    await note(newPage, TITLE).waitFor({ timeout: 30_000 });
  });

  it('E_INVITE_TAMPERED: an invite link changed on the way is refused after setup, in plain words, and the address bar is cleared', async () => {
    await oldPage.getByRole('button', { name: 'Close sync panel' }).click();
    await oldPage.getByRole('button', { name: 'Sync', exact: true }).click();
    const panel = oldPage.getByRole('dialog');
    await panel.getByRole('button', { name: 'Create invite link' }).click();
    invite = await panel.locator('#invite-link').inputValue();
    // Flip one character in the middle of the signed payload.
    const at = invite.indexOf('#/join/') + 7 + 60;
    const tampered = invite.slice(0, at) + (invite[at] === 'A' ? 'B' : 'A') + invite.slice(at + 1);
    stranger = await device();
    await stranger.goto(tampered);
    await stranger.getByRole('button', { name: 'Create vault' }).waitFor();
    expect(stranger.url()).not.toContain('#');
    await createVaultInUi(stranger, 'a stranger passphrase');
    await stranger.getByRole('alert').filter({ hasText: 'changed after it was made' }).waitFor({ timeout: 20_000 });
    await shoot(stranger, 'join-tampered');
    await stranger.getByRole('button', { name: 'Go to my notebooks' }).click();
    await stranger.getByText('No notebooks yet.').waitFor();
  });

  it('the same link, unchanged, lets the stranger (vault already there: unlock first) join and opens the notebook', async () => {
    // A fresh load (not a hash change in the open app, which joins at once): unlock comes first.
    await stranger.goto('about:blank');
    await stranger.goto(invite);
    await stranger.getByLabel('Passphrase').fill('a stranger passphrase');
    // Offline at first: the join waits, and says so, until the notebook can arrive.
    await stranger.context().setOffline(true);
    await stranger.getByRole('button', { name: 'Unlock' }).click();
    // Nothing happens until the person asks to join.
    await stranger.getByRole('button', { name: 'Join this notebook' }).click();
    await stranger.getByText('Waiting for the notebook to arrive…').waitFor({ timeout: 20_000 });
    await shoot(stranger, 'join-waiting');
    await stranger.context().setOffline(false);
    await stranger.getByRole('button', { name: NOTEBOOK }).waitFor({ timeout: 45_000 });
    await note(stranger, TITLE).waitFor({ timeout: 30_000 });
    expect(stranger.url()).not.toContain('#');
  });

  it('E_INVITE_USED: a second device opening a used link is told so', async () => {
    const late = await device();
    await late.goto(invite);
    await createVaultInUi(late, 'a late passphrase');
    await late.getByRole('button', { name: 'Join this notebook' }).click();
    await late.getByRole('alert').filter({ hasText: 'already used by another device' }).waitFor({ timeout: 30_000 });
    await shoot(late, 'join-used');
  });

  it('E_INVITE_EXPIRED: a link opened after its 7 days is refused before anything is stored', async () => {
    const late = await device();
    await late.clock.setFixedTime(new Date(Date.now() + 8 * 24 * 3600 * 1000));
    await late.goto(invite);
    await createVaultInUi(late, 'an expired passphrase');
    await late.getByRole('alert').filter({ hasText: 'has expired' }).waitFor({ timeout: 20_000 });
    await late.getByRole('button', { name: 'Go to my notebooks' }).click();
    await late.getByText('No notebooks yet.').waitFor();
  });

  it('an unused invite is withdrawn from the member list after a confirmation', async () => {
    // The tampered and used links above were one invite; a fresh one stays unused.
    await oldPage.getByRole('button', { name: 'Close sync panel' }).click();
    await oldPage.getByRole('button', { name: 'Sync', exact: true }).click();
    await oldPage.getByRole('dialog').getByRole('button', { name: 'Create invite link' }).click();
    const panel = oldPage.getByRole('dialog');
    const invites = panel.locator('.member-list li', { hasText: 'unused invite link' });
    await expect.poll(() => invites.count()).toBe(1);
    await panel.getByRole('button', { name: 'Withdraw Invite link' }).click();
    await panel.getByText('Withdraw this invite link? Nobody can join with it afterwards, and the notebook key is changed').waitFor();
    await panel.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await expect.poll(() => invites.count()).toBe(0);
    // The linked device is listed as one of this person's devices; removing it says the key rotates.
    const own = panel.locator('.member-list li', { hasText: 'your device' });
    await own.getByRole('button', { name: /^Remove / }).click();
    await own.getByText('The notebook key will be rotated').waitFor();
    await own.getByRole('button', { name: 'Cancel' }).click();
    await own.getByText('The notebook key will be rotated').waitFor({ state: 'detached' });
  });

  it('removing a member rotates the key: what is written next reaches it only as entries set aside (E_KEY_UNKNOWN)', async () => {
    const panel = oldPage.getByRole('dialog');
    const member = panel.locator('.member-list li').filter({ has: oldPage.locator('.hint', { hasText: /^member$/ }) });
    await expect.poll(() => member.count(), { timeout: 20_000 }).toBe(1);
    await member.getByRole('button', { name: /^Remove / }).click();
    await member.getByText('The notebook key will be rotated').waitFor();
    await member.getByRole('button', { name: 'Remove and rotate key' }).click();
    await expect.poll(() => member.count(), { timeout: 20_000 }).toBe(0);
    await panel.getByRole('button', { name: 'Close sync panel' }).click();

    const secret = `After-removal-CANARY-${RUN}`;
    await oldPage.getByRole('button', { name: 'New note' }).click();
    await oldPage.getByLabel('Title').fill(secret);
    await oldPage.getByText('Saved', { exact: true }).waitFor();
    // The linked device (still a member) gets it; the removed stranger does not, and says why.
    await note(newPage, secret).waitFor({ timeout: 30_000 });
    await stranger.getByRole('button', { name: 'Sync', exact: true }).click();
    const aside = stranger.getByRole('dialog').locator('.quarantine-list li[data-code="E_KEY_UNKNOWN"]');
    await aside.waitFor({ timeout: 30_000 });
    expect(await aside.textContent()).toContain('Locked with a notebook key this device does not have yet');
    await stranger.getByRole('dialog').locator('#quarantine-title').scrollIntoViewIfNeeded();
    await shoot(stranger, 'sync-panel-removed-member');
    expect(await note(stranger, secret).count()).toBe(0);
  });

  it('no vault key, notebook name or title reached a server; no foreign request, no page error', async () => {
    const markers = new Map([NOTEBOOK, TITLE].map((m) => [m, markerForms(m)]));
    const report: CanaryReport = { scannedItems: 0, scannedBytes: 0, hits: [] };
    scan(report, 'signaling', server.frames.signaling, markers);
    scan(report, 'relay', server.frames.relay, markers);
    scan(report, 'relay-file', server.relayFiles().map((f) => f.bytes), markers);
    console.log(`canary (device link): ${report.scannedItems} items, ${report.scannedBytes} bytes, ${report.hits.length} hits`);
    expect(report.hits).toEqual([]);
    for (const d of devices) {
      expect(d.foreignRequests).toEqual([]);
      expect(d.pageErrors).toEqual([]);
    }
  });
});
