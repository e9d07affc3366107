import { createHash, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { patterned } from '../integration/transport/patterned-bytes.ts';
import { guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';
import { serveWebrtcPage, type WebrtcPageServer } from './pages/serve-webrtc-page.ts';
import type { BoxOptions, NotebookOptions, Received } from './pages/webrtc-page.ts';

/**
 * ARCHITECTURE §4: Chromium data channels refuse messages over 256 KiB and y-webrtc ignores
 * the error. Two browser contexts (two devices, no shared BroadcastChannel) prove that our
 * chunking carries multi-megabyte messages and a multi-megabyte box, and that without it
 * they do not arrive. The page is served by a throwaway server with our signaling server.
 */
const KiB = 1024;
const MiB = 1024 * KiB;
let served: WebrtcPageServer;
let baseUrl: string;
let browser: Browser;
const devices: GuardedContext[] = [];

beforeAll(async () => {
  served = await serveWebrtcPage();
  baseUrl = served.baseUrl;
  browser = await launchChromium();
});

afterEach(async () => {
  for (const device of devices.splice(0)) {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
    await device.context.close();
  }
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

/** Two devices on the page; signal data goes from one to the other through this process. */
async function twoDevices(): Promise<[Page, Page]> {
  const pages: Page[] = [];
  for (let i = 0; i < 2; i++) {
    const device = await guardedContext(browser, baseUrl);
    devices.push(device);
    pages.push(await device.newPage());
  }
  const [a, b] = pages as [Page, Page];
  await a.exposeFunction('sendSignal', (json: string) => b.evaluate((j) => window.webrtcPage.signal(j), json));
  await b.exposeFunction('sendSignal', (json: string) => a.evaluate((j) => window.webrtcPage.signal(j), json));
  for (const page of pages) {
    await page.goto(baseUrl);
    await page.waitForFunction(() => window.webrtcPage !== undefined);
  }
  return [a, b];
}

async function connectPeers(chunked: boolean): Promise<[Page, Page]> {
  const [a, b] = await twoDevices();
  await b.evaluate((c) => window.webrtcPage.openPeer(false, c), chunked);
  await a.evaluate((c) => window.webrtcPage.openPeer(true, c), chunked);
  for (const page of [a, b]) await page.waitForFunction(() => window.webrtcPage.connected(), undefined, { timeout: 15_000 });
  return [a, b];
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const receivedAt = (page: Page) => page.evaluate(() => window.webrtcPage.received());

async function waitForMessages(page: Page, count: number): Promise<Received[]> {
  await page.waitForFunction((n) => {
    const r = window.webrtcPage.received().received;
    return r.length >= n && r.every((m) => m.sha256 !== '');
  }, count, { timeout: 30_000 });
  return (await receivedAt(page)).received;
}

describe('WebRTC between two Chromium contexts', () => {
  it('carries a 3 MiB message between small ones through the chunked data channel, intact and in order', async () => {
    const [a, b] = await connectPeers(true);
    const sent = [];
    for (const [size, seed] of [[KiB, 1], [3 * MiB, 2], [KiB, 3]] as const) {
      sent.push(await a.evaluate(([s, n]) => window.webrtcPage.send(s, n), [size, seed] as const));
    }
    const got = await waitForMessages(b, 3);
    expect(got.map((m) => m.length)).toEqual([KiB, 3 * MiB, KiB]);
    expect(got.map((m) => m.sha256)).toEqual([sha256(patterned(KiB, 1)), sha256(patterned(3 * MiB, 2)), sha256(patterned(KiB, 3))]);
    const start = sent[1]!;
    // Note: a large burst into a fresh connection stalls in SCTP loss recovery (a raw burst
    // of 12 x 250 KiB does too); the small high-water mark avoids it (ChunkingOptions), and
    // timing the first transfer apart from the next shows whether it still happens.
    const warm = await a.evaluate(() => window.webrtcPage.send(3 * 1024 * 1024, 4));
    const [, , , again] = await waitForMessages(b, 4);
    expect(again?.sha256).toBe(sha256(patterned(3 * MiB, 4)));
    for (const [what, from, to] of [['first', start, got[1]!], ['next', warm, again!]] as const) {
      if (!('at' in from)) throw new Error(`send failed: ${from.error}`);
      const ms = Math.max(1, to.at - from.at);
      console.log(`Chromium chunked, ${what} 3 MiB: ${ms} ms = ${(3 / (ms / 1000)).toFixed(1)} MiB/s`);
    }
  });

  it('without chunking, Chromium carries 256 KiB but refuses 300 KiB (the bug the chunking fixes)', async () => {
    const [a, b] = await connectPeers(false);
    expect(await a.evaluate(() => window.webrtcPage.send(256 * 1024, 1))).toHaveProperty('at');
    await waitForMessages(b, 1);
    const oversized = await a.evaluate(() => window.webrtcPage.send(300 * 1024, 2));
    await b.waitForTimeout(1_000);
    expect(oversized).toHaveProperty('error');
    expect((await receivedAt(b)).received.map((m) => m.length)).toEqual([256 * KiB]);
  });
});

describe('y-webrtc between two Chromium contexts', () => {
  const ENTRIES = 5_000;
  const ENTRY_BYTES = 700; // about a sealed note envelope: the box is 3.3 MiB of ciphertext-like bytes

  async function startBoxes(chunked: boolean): Promise<[Page, Page]> {
    const [source, joiner] = await twoDevices();
    const room = {
      roomId: randomBytes(32).toString('base64url'),
      password: randomBytes(32).toString('base64url'),
      signalingUrl: `${baseUrl.replace('http', 'ws')}signal`,
      entryBytes: ENTRY_BYTES,
      chunked,
    };
    await source.evaluate((o: BoxOptions) => window.webrtcPage.startBox(o), { ...room, entries: ENTRIES });
    // Note: two y-webrtc peers that announce at the same moment both initiate, and y-webrtc's
    // glare handling then sometimes leaves them connected but deaf, or one side with no
    // connection at all. A device joining a room already announced is the case under test.
    await source.waitForFunction(() => window.webrtcPage.boxListening(), undefined, { timeout: 15_000 });
    await source.waitForTimeout(300);
    await joiner.evaluate((o: BoxOptions) => window.webrtcPage.startBox(o), { ...room, entries: 0 });
    return [source, joiner];
  }

  it('a 5,000-entry (3.3 MiB) box reaches a new device through connectWebrtc', async () => {
    const started = Date.now();
    const [, joiner] = await startBoxes(true);
    await joiner.waitForFunction((n) => window.webrtcPage.boxState().count === n, ENTRIES, { timeout: 60_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(await joiner.evaluate(([n, size]) => window.webrtcPage.boxIntact(n, size), [ENTRIES, ENTRY_BYTES] as const)).toBe(true);
    console.log(`y-webrtc chunked: ${ENTRIES} entries (${((ENTRIES * ENTRY_BYTES) / MiB).toFixed(1)} MiB) on the new device ${seconds.toFixed(2)} s after it opened`);
  });

  it('a sealed notebook of 5,000 notes (> 2 MB box) reaches a new device over replicateBox, no relay: every note opens, none quarantined; then a 3 MiB photo over the blob lane', async () => {
    const NOTES = 5_000;
    const [source, joiner] = await twoDevices();
    const notebook: Omit<NotebookOptions, 'notes'> = {
      notebookId: `nb-${randomBytes(8).toString('hex')}`,
      key: randomBytes(32).toString('base64url'),
      keyId: randomBytes(16).toString('base64url'),
      signalingUrl: `${baseUrl.replace('http', 'ws')}signal`,
    };
    const built = Date.now();
    const boxBytes = await source.evaluate((o: NotebookOptions) => window.webrtcPage.startNotebook(o), { ...notebook, notes: NOTES });
    const buildSeconds = (Date.now() - built) / 1000;
    expect(boxBytes).toBeGreaterThan(2_000_000);
    // The source's room is announced before the new device joins (y-webrtc glare, see startBoxes).
    await expect.poll(() => served.signaling.connectionCount, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await source.waitForTimeout(500);
    const started = Date.now();
    await joiner.evaluate((o: NotebookOptions) => window.webrtcPage.startNotebook(o), { ...notebook, notes: 0 });
    await joiner.waitForFunction((n) => window.webrtcPage.notebookNotes() === n, NOTES, { timeout: 90_000, polling: 50 });
    const seconds = (Date.now() - started) / 1000;
    const state = await joiner.evaluate(() => window.webrtcPage.notebookState());
    expect(state).toMatchObject({ notes: NOTES, quarantined: 0, titlesRight: true });
    expect(state.boxBytes).toBeGreaterThan(2_000_000);
    // The same connections carry the notebook's photos on the blob lane, into IndexedDB.
    const PHOTO = 3 * MiB;
    const ids = await source.evaluate((b) => window.webrtcPage.putPhoto(b, 7), PHOTO);
    await joiner.waitForFunction(() => window.webrtcPage.lanePeers() > 0, undefined, { timeout: 15_000 });
    const photoStarted = Date.now();
    expect(await joiner.evaluate(([i, b]) => window.webrtcPage.wantPhoto(i, b, 7), [ids, PHOTO] as const)).toEqual({ ok: true, codes: ['ok', 'ok'], lanePeers: 1 });
    const photoSeconds = (Date.now() - photoStarted) / 1000;
    console.log(`blob lane (Chromium, IndexedDB both ends): a ${(ids.size / MiB).toFixed(2)} MiB photo + thumbnail in ${photoSeconds.toFixed(2)} s = ${(ids.size / MiB / photoSeconds).toFixed(1)} MiB/s`);
    console.log(`sealed notebook P2P (Chromium, two contexts, no relay): ${NOTES} notes, box ${(boxBytes / 1e6).toFixed(2)} MB (built in ${buildSeconds.toFixed(1)} s), every note open on the new device ${seconds.toFixed(2)} s after it joined`);
  });

  it('without chunking the same box never arrives, though the peers are connected (the bug)', async () => {
    const [source, joiner] = await startBoxes(false);
    for (const page of [source, joiner]) {
      await page.waitForFunction(() => window.webrtcPage.boxState().connectedPeers > 0, undefined, { timeout: 15_000 });
    }
    await joiner.waitForTimeout(4_000);
    expect(await joiner.evaluate(() => window.webrtcPage.boxState())).toEqual({ count: 0, bytes: 0, connectedPeers: 1 });
  });
});
