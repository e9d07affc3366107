import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobCipherBytes, isPadmeBucket, paddedBlobBytes } from '../../crypto/index.ts';
import { addNotebook, createVaultInUi } from './harness/app-flows.ts';
import { guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';
import { relayRoomsUsed, startSyncedApp, type SyncedApp } from './harness/sync-servers.ts';

/**
 * Issue 13 §2 in the built app: photos of six sizes imported in Chromium reach the relay
 * (every blob upload's Content-Range total, every blob file it keeps) only as Padmé buckets,
 * each photo exactly the bucket of its file; and every sealed envelope the relay stores for
 * the notebook and the vault is a bucket too.
 */
const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const FILES = ['astronaut.jpg', 'chelsea.jpg', 'coffee.jpg', 'motorcycle_left.jpg', 'page.png', 'text-card.jpg'];
const PASS = 'correct horse battery staple';

describe('padded sizes at the relay (built app, real relay, Chromium)', () => {
  let browser: Browser;
  let server: SyncedApp;
  let context: GuardedContext;
  let page: Page;
  const uploadTotals: number[] = [];

  beforeAll(async () => {
    server = await startSyncedApp();
    browser = await launchChromium();
    context = await guardedContext(browser, server.url);
    page = await context.newPage();
    page.on('request', (request) => {
      const range = /\/(\d+)$/.exec(request.headers()['content-range'] ?? '');
      if (request.method() === 'PUT' && request.url().includes('/relay-blobs/') && range) uploadTotals.push(Number(range[1]));
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const relayBlobSizes = () => server.relayFiles().filter((f) => /^[0-9a-f]{64}$/.test(basename(f.path))).map((f) => f.bytes.length);

  it('photos of six sizes are uploaded and stored only as their buckets', async () => {
    await page.goto(server.url);
    await createVaultInUi(page, PASS);
    await addNotebook(page, 'Sizes');
    const files = FILES.map((name) => ({ name, mimeType: name.endsWith('.png') ? 'image/png' : 'image/jpeg', buffer: readFileSync(join(PHOTOS, name)) }));
    await page.locator('#photo-files').setInputFiles(files);
    // A photo and its thumbnail each.
    await expect.poll(() => relayBlobSizes().length, { timeout: 120_000 }).toBe(2 * FILES.length);
    const stored = relayBlobSizes();
    expect(stored.filter((size) => !isPadmeBucket(size)), 'blob files at the relay that are not a bucket').toEqual([]);
    expect(uploadTotals.length).toBeGreaterThan(0);
    expect(uploadTotals.filter((size) => !isPadmeBucket(size)), 'uploads whose total is not a bucket').toEqual([]);
    for (const file of files) {
      expect(stored, `${file.name} (${file.buffer.length} bytes)`).toContain(paddedBlobBytes(file.buffer.length));
      // Not the size the photo had before padding (blob v1), unless that happened to be a bucket.
      if (!isPadmeBucket(blobCipherBytes(file.buffer.length))) expect(stored).not.toContain(blobCipherBytes(file.buffer.length));
    }
  });

  it('every sealed envelope the relay stores (notebook and vault rooms) is a bucket', async () => {
    const rooms = relayRoomsUsed(server);
    expect(rooms.length).toBeGreaterThanOrEqual(2);
    await page.close();
    const docs = await server.stopAndReadRooms(rooms);
    const sizes: number[] = [];
    for (const update of docs) {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, update);
      for (const map of ['entries', 'snapshots']) for (const value of doc.getMap<Uint8Array>(map).values()) sizes.push(value.length);
    }
    expect(sizes.length).toBeGreaterThan(FILES.length);
    expect(sizes.filter((size) => !isPadmeBucket(size)), 'envelopes at the relay that are not a bucket').toEqual([]);
  });
});
