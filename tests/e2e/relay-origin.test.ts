import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash, randomBytes, sodiumReady } from '../../crypto/index.ts';
import { relayWrite } from '../../sync/replication/relay-write.ts';
import { keyedRelayWrite, registerRoomWrite } from '../helpers/relay-writer.ts';
import { guardedContext, launchChromium } from './harness/browser.ts';
import { startSyncedApp, type SyncedApp } from './harness/sync-servers.ts';

/**
 * A drive-by write: a page on another origin (another port of 127.0.0.1, as any web page
 * the person visits could be) opens `npm start`'s relay and signaling WebSockets and PUTs
 * a blob through the person's own Chromium. WebSockets are not subject to CORS, so only
 * the server's Origin check refuses them. The app's own page must still get through. Both
 * PUTs carry a valid write token for the room (the capability is checked too; the foreign
 * page is refused for its origin alone).
 */
const ROOM = 'origin-e2e-room-0123456789';
const ROOM_KEY = new Uint8Array(32);
let app: SyncedApp;
let foreign: Server;
let foreignUrl: string;
let browser: Browser;

beforeAll(async () => {
  await sodiumReady();
  app = await startSyncedApp();
  foreign = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>some other site</title>'));
  await new Promise<void>((done) => foreign.listen(0, '127.0.0.1', done));
  foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
  browser = await launchChromium();
  ROOM_KEY.set(randomBytes(32));
  await registerRoomWrite(app.sync.relayUrl, ROOM, ROOM_KEY);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => foreign?.close(done));
  await app?.close();
});

interface Targets {
  readonly relayUrl: string;
  readonly signalingUrl: string;
  readonly blobUrl: string;
  readonly bytes: number[];
  /** A write token for ROOM (Obscura-Cap). */
  readonly cap: string;
}

/** Runs in the page: what a script there gets when it tries each server. */
function probe(page: Page, targets: Targets): Promise<{ relay: string; signaling: string; put: string }> {
  return page.evaluate(async ({ relayUrl, signalingUrl, blobUrl, bytes, cap }) => {
    const open = (url: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.binaryType = 'arraybuffer';
        ws.onopen = () => {
          ws.close();
          resolve('open');
        };
        ws.onerror = () => resolve('refused');
      });
    const put = await fetch(blobUrl, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'Obscura-Cap': cap } }).then(
      (response) => String(response.status),
      (error: unknown) => `failed: ${String(error)}`,
    );
    return { relay: await open(relayUrl), signaling: await open(signalingUrl), put };
  }, targets);
}

function targets(bytes: number[]): Targets {
  return {
    // One socket at /relay, rooms named in its messages.
    relayUrl: app.sync.relayUrl,
    signalingUrl: app.sync.signalingUrl,
    blobUrl: `${app.sync.blobsUrl}/${ROOM}/${contentHash(new Uint8Array(bytes))}`,
    bytes,
    cap: relayWrite(app.sync.relayUrl, ROOM, keyedRelayWrite(ROOM_KEY, ROOM)).token() ?? '',
  };
}

const stored = (bytes: number[]) => existsSync(join(app.dataDir, 'blobs', ROOM, contentHash(new Uint8Array(bytes))));

describe('relay and signaling refuse pages from other origins (Chromium)', () => {
  it('a page on another origin cannot open the relay or signaling WebSocket, nor store a blob', async () => {
    const device = await guardedContext(browser, foreignUrl, [app.url]);
    const page = await device.newPage();
    await page.goto(foreignUrl);
    const drive = [7, 7, 7, 1, 2, 3];
    expect(await probe(page, targets(drive))).toMatchObject({ relay: 'refused', signaling: 'refused' });
    expect(stored(drive)).toBe(false);
    // Nothing reached a room: no doc was loaded, no frame was taken.
    expect(app.sync.relay.loadedRooms).toBe(0);
    expect(app.frames.relay).toEqual([]);
    expect(app.frames.signaling).toEqual([]);
    expect(device.foreignRequests).toEqual([]);
    await device.context.close();
  });

  it("the app's own page still opens both WebSockets and stores a blob", async () => {
    const device = await guardedContext(browser, app.url);
    const page = await device.newPage();
    await page.goto(app.url);
    const own = [9, 9, 9, 4, 5, 6];
    expect(await probe(page, targets(own))).toEqual({ relay: 'open', signaling: 'open', put: '201' });
    expect(stored(own)).toBe(true);
    expect(device.foreignRequests).toEqual([]);
    await device.context.close();
  });
});
