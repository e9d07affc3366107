import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { ARTIFACTS, guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';
import { markerForms, plaintextWindows, scan, type CanaryReport } from './harness/canary.ts';
import { tapDataChannels, tappedPayloads } from './harness/data-channel-tap.ts';
import { relayRoomsUsed, startSyncedApp, type SyncedApp } from './harness/sync-servers.ts';
import { addNotebook, createVaultInUi } from './harness/app-flows.ts';

/**
 * Two devices (separate browser contexts: own IndexedDB, no shared BroadcastChannel) on the
 * built app with the signaling server and relay wired as `npm start` does. A makes a
 * notebook with photos that tag themselves and invites B from the sync panel; B joins by
 * the link, both type into one note at once, then B catches up through the relay alone.
 * Every frame sent to either server, every file the relay wrote, every blob upload and
 * every data-channel payload is searched for the plaintext.
 */
const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const RUN = Date.now().toString(36);
const NOTEBOOK = `Nb-CANARY-${RUN}-q7`;
const TITLE = `Title-CANARY-${RUN}-k2`;
const BODY = `Body-CANARY-${RUN}-z9`;
const LABEL = `label canary ${RUN} x4`;
const OFFLINE_EDIT = `Offline-CANARY-${RUN}-m5`;
const DEVICE_B = `Dev-CANARY-${RUN}-b3`;
/** Words page.png reads (photos.test.ts). */
const OCR_WORDS = 'markers are pixels';
const TAG_TIMEOUT = 120_000;
const PASS_A = 'correct horse battery staple';
const PASS_B = 'another horse, another staple';

const note = (page: Page, title: string) => page.locator(`.note-list li[data-note-title="${title}"]`);
const body = (page: Page) => page.locator('#note-body');

/** The drawer scrolls inside the viewport, so a full-page shot would cut it: shoot the viewport, top and invite. */
async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const size of [{ width: 1280, height: 800 }, { width: 375, height: 812 }]) {
    await page.setViewportSize(size);
    const dialog = page.getByRole('dialog');
    const open = await dialog.isVisible();
    if (open) await dialog.evaluate((d) => d.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${size.width}.png`) });
    if (open) {
      await dialog.evaluate((d) => d.scrollTo(0, d.scrollHeight));
      await page.screenshot({ path: join(ARTIFACTS, `${name}-bottom-${size.width}.png`) });
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function openSync(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sync', exact: true }).click();
  await page.getByRole('dialog', { name: /^Sync/ }).waitFor();
}

async function closeSync(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Close sync panel' }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
}

describe(`peer-to-peer sync between two devices (built app, real relay (Hocuspocus), signaling, WebRTC, models)`, () => {
  let browser: Browser;
  let server: SyncedApp;
  let a: GuardedContext;
  let b: GuardedContext;
  let pageA: Page;
  let pageB: Page;
  let invite = '';
  const channelPayloads: Buffer[] = [];
  const blobUploads: Buffer[] = [];

  const watch = (page: Page) => {
    page.on('request', (request) => {
      const data = request.postDataBuffer();
      if (request.url().includes('/relay-blobs/') && data) blobUploads.push(data);
    });
    return page;
  };
  const relayRooms = () => relayRoomsUsed(server);
  const collectChannels = async (page: Page) => {
    const { sent, received } = await tappedPayloads(page);
    channelPayloads.push(...sent, ...received);
  };

  beforeAll(async () => {
    server = await startSyncedApp();
    browser = await launchChromium();
    a = await guardedContext(browser, server.url);
    b = await guardedContext(browser, server.url);
    await tapDataChannels(a.context);
    await tapDataChannels(b.context);
    pageA = watch(await a.newPage());
    pageB = watch(await b.newPage());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('A: first run, a notebook, a note with photos that tag themselves, a label by hand', async () => {
    await pageA.goto(server.url);
    await createVaultInUi(pageA, PASS_A);
    await addNotebook(pageA, NOTEBOOK);
    await pageA.locator('#photo-files').setInputFiles([
      { name: 'chelsea.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(PHOTOS, 'chelsea.jpg')) },
      { name: 'page.png', mimeType: 'image/png', buffer: readFileSync(join(PHOTOS, 'page.png')) },
    ]);
    await note(pageA, 'chelsea').locator('.mini-chip', { hasText: /^cat$/ }).waitFor({ timeout: TAG_TIMEOUT });
    await note(pageA, 'page').locator('.snippet', { hasText: 'markers' }).waitFor({ timeout: TAG_TIMEOUT });
    await note(pageA, 'chelsea').getByRole('button').first().click();
    await pageA.getByLabel('Title').fill(TITLE);
    await body(pageA).fill(BODY);
    await pageA.getByLabel('New label').fill(LABEL);
    await pageA.getByRole('button', { name: 'Tag', exact: true }).click();
    await pageA.locator('.chip[data-source="user"]', { hasText: LABEL }).waitFor();
    await note(pageA, TITLE).waitFor();
  });

  it('A: the sync panel shows the relay, this device and an invite link with its QR code', async () => {
    await openSync(pageA);
    const panel = pageA.getByRole('dialog');
    await expect.poll(() => panel.getByTestId('relay-state').textContent(), { timeout: 20_000 }).toBe('connected');
    await panel.getByRole('button', { name: 'Create invite link' }).click();
    const linkInput = panel.locator('#invite-link');
    await linkInput.waitFor();
    invite = await linkInput.inputValue();
    expect(invite.startsWith(`${new URL(server.url).origin}/#/join/`)).toBe(true);
    expect(invite).not.toContain(NOTEBOOK);
    await panel.getByRole('img', { name: 'QR code of the Invite link' }).waitFor();
    await panel.getByText('Only this device so far.').waitFor({ state: 'detached' }).catch(() => undefined);
    await shoot(pageA, 'sync-panel-a');
    // Keyboard: Escape closes the drawer and focus goes back to the Sync button.
    await pageA.keyboard.press('Escape');
    await pageA.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('B: opens the link, sets up its own vault, joins and sees the notes, labels and OCR text', async () => {
    await pageB.goto(invite);
    // The fragment is read once and taken out of the address bar.
    await pageB.getByRole('button', { name: 'Create vault' }).waitFor();
    expect(pageB.url()).not.toContain('#');
    await createVaultInUi(pageB, PASS_B);
    await pageB.getByRole('heading', { name: `Join “${NOTEBOOK}”` }).waitFor();
    // Opening a link changes nothing by itself: the person asks to join.
    await shoot(pageB, 'join-asking');
    expect(await pageB.evaluate(() => document.querySelector('[data-step]'))).toBeNull();
    await pageB.getByRole('button', { name: 'Join this notebook' }).click();
    await shoot(pageB, 'joined');
    await note(pageB, TITLE).waitFor({ timeout: 60_000 });
    await note(pageB, TITLE).locator('.mini-chip', { hasText: /^cat$/ }).waitFor();
    await note(pageB, 'page').locator('.snippet', { hasText: 'markers' }).waitFor();
    await pageB.getByRole('button', { name: NOTEBOOK }).waitFor();
    await note(pageB, TITLE).getByRole('button').first().click();
    await pageB.locator('.chip[data-source="user"]', { hasText: LABEL }).waitFor();
    expect(await body(pageB).inputValue()).toBe(BODY);
    // The photo itself comes over the blob lane or the relay (blob sync), decrypted only here.
    await expect.poll(() => pageB.locator('.photo-frame img').evaluate((i) => (i as HTMLImageElement).naturalWidth).catch(() => 0), { timeout: 60_000 }).toBeGreaterThan(300);
  });

  it('B: the same link again changes nothing and says so', async () => {
    // A fresh load (the address bar lost the fragment, so going to the link from here would be a hash change in the open app).
    await pageB.goto('about:blank');
    await pageB.goto(invite);
    await pageB.getByLabel('Passphrase').fill(PASS_B);
    await pageB.getByRole('button', { name: 'Unlock' }).click();
    await pageB.getByText('You already have this notebook. Nothing was changed.').waitFor();
    await shoot(pageB, 'join-have-it');
    await pageB.getByRole('button', { name: 'Open it' }).click();
    await note(pageB, TITLE).waitFor();
  });

  it('both see each other online in the sync panel and in the member list', async () => {
    await openSync(pageB);
    const panel = pageB.getByRole('dialog');
    await expect.poll(() => panel.locator('.online-list li[data-device-id]').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => panel.locator('.member-list li').count()).toBeGreaterThanOrEqual(2);
    await expect.poll(() => panel.getByTestId('last-sync').textContent()).not.toBe('not yet');
    await shoot(pageB, 'sync-panel-b');
    // B names itself; from its next unlock A sees that name (sealed presence), and sync resumes.
    await panel.getByLabel('Device name').fill(DEVICE_B);
    await panel.getByRole('button', { name: 'Rename' }).click();
    await panel.getByText('Saved. Your other devices list the new name').waitFor();
    await closeSync(pageB);
    await pageB.getByRole('button', { name: 'Lock the vault' }).click();
    await pageB.getByLabel('Passphrase').fill(PASS_B);
    await pageB.getByRole('button', { name: 'Unlock' }).click();
    await note(pageB, TITLE).waitFor();
    await openSync(pageA);
    await pageA.getByRole('dialog').locator('.online-list li', { hasText: DEVICE_B }).waitFor({ timeout: 30_000 });
    await shoot(pageA, 'sync-panel-a-online');
    await closeSync(pageA);
  });

  it('both type into the same note at the same time and end with the same text', async () => {
    await note(pageA, TITLE).getByRole('button').first().click();
    await body(pageA).waitFor();
    // A types at the end while B types at the start: each insert lands before or after the other's cursor.
    await body(pageA).click();
    await body(pageA).press('Control+End');
    await body(pageB).click();
    await body(pageB).press('Control+Home');
    await Promise.all([
      body(pageA).pressSequentially(' from A: apples', { delay: 40 }),
      body(pageB).pressSequentially('bananas from B: ', { delay: 40 }),
    ]);
    await expect.poll(async () => [await body(pageA).inputValue(), await body(pageB).inputValue()], { timeout: 20_000 }).toSatisfy(
      ([x, y]) => x === y,
    );
    const text = await body(pageA).inputValue();
    console.log(`converged body: ${JSON.stringify(text)}`);
    // Same text on both, each person's words whole and where they typed them: a remote insert
    // before the caret moves the caret with it (sync/notebook/caret-after-remote-change.ts), so letters do not interleave.
    expect(text).toBe(`bananas from B: ${BODY} from A: apples`);
  });

  it('B goes away, A edits and closes; B comes back and catches up through the relay alone', async () => {
    await collectChannels(pageB);
    await pageB.close();
    const relayFramesBefore = server.frames.relay.length;
    await body(pageA).press('End');
    await body(pageA).pressSequentially(` ${OFFLINE_EDIT}`);
    await pageA.getByText('Saved', { exact: true }).waitFor();
    // A's update has reached the relay once A sent it more frames (the relay acknowledges nothing).
    await expect.poll(() => server.frames.relay.length, { timeout: 10_000 }).toBeGreaterThan(relayFramesBefore);
    await pageA.waitForTimeout(1500);
    await collectChannels(pageA);
    await pageA.close();

    pageB = watch(await b.newPage());
    await pageB.goto(server.url);
    await pageB.getByLabel('Passphrase').fill(PASS_B);
    await pageB.getByRole('button', { name: 'Unlock' }).click();
    await note(pageB, TITLE).getByRole('button').first().click();
    await expect.poll(() => body(pageB).inputValue(), { timeout: 30_000 }).toContain(OFFLINE_EDIT);
    await openSync(pageB);
    const panel = pageB.getByRole('dialog');
    await expect.poll(() => panel.getByTestId('relay-state').textContent()).toBe('connected');
    expect(await panel.getByTestId('peer-count').textContent()).toBe('0');
    await panel.getByText('No other device is online in this notebook.').waitFor({ timeout: 40_000 });
    await collectChannels(pageB);
  });

  it('no server, relay file or data channel carried a title, body, label, OCR text, notebook or device name, or photo bytes', async () => {
    const markers = new Map<string, Buffer[]>(
      [NOTEBOOK, TITLE, BODY, LABEL, OFFLINE_EDIT, OCR_WORDS, DEVICE_B, 'apples', 'bananas'].map((m) => [m, markerForms(m)]),
    );
    for (const file of ['chelsea.jpg', 'page.png']) markers.set(file, plaintextWindows(readFileSync(join(PHOTOS, file))));
    const report: CanaryReport = { scannedItems: 0, scannedBytes: 0, hits: [] };
    scan(report, 'signaling', server.frames.signaling, markers);
    scan(report, 'relay', server.frames.relay, markers);
    const files = server.relayFiles();
    scan(report, 'relay-file', files.map((f) => f.bytes), markers);
    scan(report, 'blob-upload', blobUploads, markers);
    // What the relay stored, read back decompressed, room by room.
    const rooms = relayRooms();
    const stored = await server.stopAndReadRooms(rooms);
    scan(report, 'relay-room', stored, markers);
    expect(stored.every((doc) => doc.length > 2)).toBe(true);
    scan(report, 'data-channel', channelPayloads, markers);
    console.log(
      `canary: ${server.frames.signaling.length} signaling frames, ${server.frames.relay.length} relay frames, ${files.length} relay files, ` +
        `${blobUploads.length} blob uploads, ${stored.length} relay rooms read back, ${channelPayloads.length} data-channel payloads; ${report.scannedItems} items, ` +
        `${report.scannedBytes} bytes scanned, ${report.hits.length} hits`,
    );
    expect(report.hits).toEqual([]);
    // Something was actually carried: the scan is not of nothing.
    expect(server.frames.signaling.length).toBeGreaterThan(0);
    expect(server.frames.relay.length).toBeGreaterThan(0);
    expect(channelPayloads.length).toBeGreaterThan(0);
    expect(files.length).toBeGreaterThan(0);
  });

  it('room ids on the wire are derived (43-char base64url), never the notebook name', () => {
    const derived = /^[A-Za-z0-9_-]{43}$/;
    const topics = new Set<string>();
    for (const frame of server.frames.signaling) {
      let message: unknown;
      try {
        message = JSON.parse(Buffer.from(frame).toString('utf8'));
      } catch {
        continue;
      }
      if (typeof message !== 'object' || message === null) continue;
      const m = message as { topics?: unknown; topic?: unknown };
      if (Array.isArray(m.topics)) m.topics.forEach((t) => topics.add(String(t)));
      if (typeof m.topic === 'string') topics.add(m.topic);
    }
    const relayRoomIds = new Set(relayRooms());
    console.log(`rooms: ${topics.size} signaling topics, ${relayRoomIds.size} relay rooms`);
    expect(topics.size).toBeGreaterThan(0);
    expect(relayRoomIds.size).toBeGreaterThan(0);
    for (const room of [...topics, ...relayRoomIds]) {
      expect(room).toMatch(derived);
      expect(room).not.toContain(NOTEBOOK);
    }
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(a.foreignRequests).toEqual([]);
    expect(b.foreignRequests).toEqual([]);
    expect(a.pageErrors).toEqual([]);
    expect(b.pageErrors).toEqual([]);
  });
});
