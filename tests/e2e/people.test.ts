import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedContext, launchChromium, screenshot, type GuardedContext } from './harness/browser.ts';
import { markerForms, scan, type CanaryReport } from './harness/canary.ts';
import { tapDataChannels, tappedPayloads } from './harness/data-channel-tap.ts';
import { readAllIndexedDb } from './harness/raw-indexeddb.ts';
import { startSyncedApp, type SyncedApp } from './harness/sync-servers.ts';
import { addNotebook, answerDeviceLink, createVaultInUi, fillDeviceLinkAnswer, requestDeviceLink, searchTitles } from './harness/app-flows.ts';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures');
/** Two people, several photos each (tests/fixtures/faces/LICENSE.md), and two photos with no face. */
const MAN = ['human-man-a-02.jpg', 'human-man-a-03.jpg', 'human-man-a-04.jpg'];
const WOMAN = ['faceapi-woman-b-1.jpg', 'faceapi-woman-b-3.jpg'];
const NO_FACE = ['motorcycle_left.jpg', 'text-card.jpg'];
const RUN = Date.now().toString(36);
/** The canary: a person's name must never leave the device or sit readable in its store. */
const NAME = `Ada CANARY${RUN}q`;
const PASS_A = 'correct horse battery staple';
const PASS_B = 'a different passphrase here';
const TAG_TIMEOUT = 240_000;

const titleOf = (file: string) => file.replace(/\.jpg$/, '');
const cards = (page: Page) => page.locator('.people-list li.person-card');
const card = (page: Page, text: string | RegExp) => cards(page).filter({ hasText: text });

async function turnOnGroupFaces(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Group faces').check();
  await page.getByText('Saved', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Back to notebooks' }).click();
}

async function openPeople(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'People', exact: true }).click();
  await page.getByRole('heading', { name: 'People', exact: true }).waitFor();
}

/** The people shown, as "name|count" sorted: what the People screen says. */
async function shownPeople(page: Page): Promise<string[]> {
  const rows = await cards(page).evaluateAll((items) => items.map((li) => `${li.querySelector('.person-name')?.textContent}|${li.querySelector('.person-count')?.textContent}`));
  return rows.sort();
}

/** The size of this device's sealed face record (src/app/face-store.ts) in IndexedDB, 0 when there is none. */
async function faceRecordBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const req = <T,>(r: IDBRequest<T>) => new Promise<T>((res, rej) => ((r.onsuccess = () => res(r.result)), (r.onerror = () => rej(r.error))));
    let bytes = 0;
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await req(indexedDB.open(info.name));
      for (const name of Array.from(db.objectStoreNames)) {
        const store = db.transaction(name, 'readonly').objectStore(name);
        const value = await req(store.get(['device-record', 'faces'])).catch(() => undefined);
        if (value instanceof Uint8Array) bytes += value.length;
      }
      db.close();
    }
    return bytes;
  });
}

async function openPerson(page: Page, which: Locator): Promise<void> {
  await which.locator('button.person-open').click();
  await page.locator('section.person').waitFor();
}

describe('People: face groups, names, corrections, search, a second device (built app, real models, Chromium)', () => {
  let server: SyncedApp;
  let browser: Browser;
  let deviceA: GuardedContext;
  let deviceB: GuardedContext;
  let a: Page;
  let b: Page;

  beforeAll(async () => {
    server = await startSyncedApp();
    browser = await launchChromium();
    deviceA = await guardedContext(browser, server.url);
    deviceB = await guardedContext(browser, server.url);
    await tapDataChannels(deviceA.context);
    await tapDataChannels(deviceB.context);
    a = await deviceA.newPage();
    b = await deviceB.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the face models (7.6 MB) are not precached, only cached with their pins once "Group faces" fetches them', async () => {
    const sw = await (await fetch(new URL('/sw.js', server.url))).text();
    expect(sw).toContain('"url": "models/generated/centernet.onnx"');
    for (const file of ['blazeface', 'faceres']) {
      expect(sw).not.toContain(`"url": "models/generated/${file}.onnx"`);
      expect(sw).toContain(`registerRoute(/\\/models\\/generated\\/${file}\\.onnx$/, new workbox.CacheFirst(`);
    }
  });

  it('with "Group faces" on, photos of two people and two without faces make two people with their photo counts', async () => {
    await a.goto(server.url);
    await createVaultInUi(a, PASS_A);
    await addNotebook(a, 'Family');
    await a.getByRole('button', { name: 'Import photos' }).waitFor();
    await openPeople(a);
    await a.getByText('Turn on “Group faces” in Settings').waitFor();
    await a.getByRole('button', { name: 'Back to notebooks' }).click();
    await turnOnGroupFaces(a);
    const files = [...MAN.map((f) => join(FIXTURES, 'faces', f)), ...WOMAN.map((f) => join(FIXTURES, 'faces', f)), ...NO_FACE.map((f) => join(FIXTURES, 'photos', f))];
    await a.locator('#photo-files').setInputFiles(files.map((path) => ({ name: path.split('/').pop()!, mimeType: 'image/jpeg', buffer: readFileSync(path) })));
    await openPeople(a);
    await expect.poll(() => shownPeople(a), { timeout: TAG_TIMEOUT, interval: 1000 }).toEqual(['Unnamed person|2 photos', 'Unnamed person|3 photos']);
    await screenshot(a, 'people-two-groups-1280');
  });

  it('a person is named; searching the name finds their notes, and why it matched draws the face box', async () => {
    await openPerson(a, card(a, '3 photos'));
    await a.getByLabel('Name', { exact: true }).fill(NAME);
    await a.getByRole('button', { name: 'Save name' }).click();
    await a.getByRole('heading', { name: NAME }).waitFor();
    const notes = await a.locator('.person-notes button').allTextContents();
    expect(notes.sort()).toEqual(MAN.map(titleOf).sort());
    await a.getByRole('button', { name: 'All people' }).click();
    await expect.poll(() => shownPeople(a)).toEqual([`${NAME}|3 photos`, 'Unnamed person|2 photos'].sort());
    await a.getByRole('button', { name: 'Back to notebooks' }).click();

    expect((await searchTitles(a, 'ada')).sort()).toEqual(MAN.map(titleOf).sort());
    const first = a.locator('.search-results li[data-note-title]').first();
    await first.locator('.match-reason[data-field="person"]', { hasText: NAME }).waitFor();
    await first.getByRole('button').first().click();
    await a.locator('.note-view svg.boxes rect.face-box.matched').waitFor({ timeout: 30_000 });
    expect(await a.locator('.note-view svg.boxes rect.face-box').count()).toBe(1);
    await screenshot(a, 'people-search-face-box-1280');
    // Nobody else is found by that name.
    expect(await searchTitles(a, 'zed')).toEqual([]);
    await a.getByLabel('Search notes', { exact: true }).fill('');
  });

  it('merge two people, move a wrongly grouped face out, hide it: all of it survives a reload', async () => {
    await openPeople(a);
    await openPerson(a, card(a, NAME));
    await a.getByLabel('Same person as').selectOption({ label: 'Unnamed person (2 photos)' });
    await a.getByRole('button', { name: 'Merge' }).click();
    await a.locator('section.person > p.hint', { hasText: '5 photos' }).waitFor();
    // One of the woman's faces is not Ada: out it goes, the rest stays Ada.
    const womanNote = titleOf(WOMAN[0]!);
    const faces = a.locator('.face-list li');
    await expect.poll(() => faces.count()).toBe(5);
    const womanFace = faces.filter({ has: a.getByRole('img', { name: `Face in ${womanNote}` }) });
    await womanFace.getByRole('button', { name: 'Not this person' }).click();
    await a.locator('section.person > p.hint', { hasText: '4 photos' }).waitFor();
    await a.getByRole('button', { name: 'All people' }).click();
    await expect.poll(() => shownPeople(a)).toEqual([`${NAME}|4 photos`, 'Unnamed person|1 photo'].sort());
    await openPerson(a, card(a, '1 photo'));
    await a.getByRole('button', { name: 'Hide this person' }).click();
    await a.getByRole('button', { name: 'All people' }).click();
    await expect.poll(() => shownPeople(a)).toEqual([`${NAME}|4 photos`]);
    await a.getByText('Show hidden people (1)').waitFor();

    await a.reload();
    await a.getByLabel('Passphrase').fill(PASS_A);
    await a.getByRole('button', { name: 'Unlock', exact: true }).click();
    await a.getByRole('button', { name: 'Import photos' }).waitFor();
    await openPeople(a);
    await expect.poll(() => shownPeople(a), { timeout: 60_000 }).toEqual([`${NAME}|4 photos`]);
    await a.getByText('Show hidden people (1)').waitFor();
  });

  it('a second device of the person, linked and with "Group faces" on, shows the same people, names and corrections', async () => {
    await a.getByRole('button', { name: 'Back to notebooks' }).click();
    const request = await requestDeviceLink(b, server.url);
    await a.getByRole('button', { name: 'Sync', exact: true }).click();
    const answer = await answerDeviceLink(a.getByRole('dialog'), request);
    await fillDeviceLinkAnswer(b, answer, PASS_B);
    await b.getByRole('button', { name: 'Link this device' }).click();
    await b.getByRole('button', { name: 'Family' }).waitFor({ timeout: 60_000 });
    await a.getByRole('button', { name: 'Close sync panel' }).click();
    await b.getByRole('button', { name: 'Import photos' }).waitFor();
    await turnOnGroupFaces(b);
    await openPeople(b);
    await expect.poll(() => shownPeople(b), { timeout: TAG_TIMEOUT, interval: 1000 }).toEqual([`${NAME}|4 photos`]);
    await b.getByText('Show hidden people (1)').waitFor();
    await screenshot(b, 'people-second-device-1280');
    await b.getByRole('button', { name: 'Back to notebooks' }).click();
    expect((await searchTitles(b, 'ada')).sort()).toEqual([...MAN, WOMAN[1]!].map(titleOf).sort());
  });

  it('turning "Group faces" off on the second device deletes its sealed face record, empties its People screen and leaves the first device as it was', async () => {
    // Four faces of 1024 numbers: the record holds them sealed (more than 16 KB), never plain.
    await expect.poll(() => faceRecordBytes(b), { timeout: 10_000 }).toBeGreaterThan(16_000);
    await b.getByLabel('Search notes', { exact: true }).fill('');
    await b.getByRole('button', { name: 'Settings' }).click();
    await b.getByLabel('Group faces').uncheck();
    await b.getByText('Saved', { exact: true }).waitFor();
    await b.getByRole('button', { name: 'Back to notebooks' }).click();
    await openPeople(b);
    await b.getByText('Turn on “Group faces” in Settings').waitFor();
    await expect.poll(() => faceRecordBytes(b), { timeout: 10_000 }).toBe(0);
    expect(await faceRecordBytes(a)).toBeGreaterThan(16_000);
    expect(await searchTitles(a, 'ada')).toHaveLength(4);
  });

  it('the name is found nowhere outside the devices: not in IndexedDB, data channels, signaling or relay frames, nor the relay store; no foreign request, no page error', async () => {
    const markers = new Map([[NAME, markerForms(NAME)], [`CANARY${RUN}q`, markerForms(`CANARY${RUN}q`)]]);
    const report: CanaryReport = { scannedItems: 0, scannedBytes: 0, hits: [] };
    for (const [label, page] of [['a', a], ['b', b]] as const) {
      scan(report, `indexeddb-${label}`, [await readAllIndexedDb(page)], markers);
      const tapped = await tappedPayloads(page);
      scan(report, `datachannel-sent-${label}`, tapped.sent, markers);
      scan(report, `datachannel-received-${label}`, tapped.received, markers);
    }
    scan(report, 'signaling', server.frames.signaling, markers);
    scan(report, 'relay', server.frames.relay, markers);
    scan(report, 'relay-file', server.relayFiles().map((f) => f.bytes), markers);
    console.log(`canary (people): ${report.scannedItems} items, ${report.scannedBytes} bytes, ${report.hits.length} hits`);
    expect(report.scannedBytes).toBeGreaterThan(0);
    expect(report.hits).toEqual([]);
    for (const d of [deviceA, deviceB]) {
      expect(d.foreignRequests).toEqual([]);
      expect(d.pageErrors).toEqual([]);
    }
  });
});
