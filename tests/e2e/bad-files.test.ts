import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { guardedContext, launchChromium, screenshot, type GuardedContext } from './harness/browser.ts';
import { allCardStates, createVaultWithNotebook, failureMessage, jsHeapUsed, noteCard } from './harness/photo-notes.ts';

const PHOTOS = resolve(import.meta.dirname, '..', 'fixtures', 'photos');
const PASSPHRASE = 'bad files get a clear word each';
const TAG_TIMEOUT = 180_000;
const BATCH = 200;

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A well-formed PNG header that declares 100000x100000 (10 gigapixels) in a few dozen bytes. */
function pngBomb(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A one-page PDF with a line of text (valid structure and xref offsets). */
function tinyPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>',
    '<< /Length 44 >>\nstream\nBT /F1 12 Tf 20 50 Td (not a photo) Tj ET\nendstream',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const SVG_WITH_SCRIPT = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="window.top.__badFileScriptRan = 'onload'">
  <script>window.top.__badFileScriptRan = 'script'; try { window.top.localStorage.setItem('bad-file-script', 'ran'); } catch {}</script>
  <rect width="100" height="100" fill="red"/>
</svg>`;

/** Only the ISO-BMFF ftyp box of an iPhone photo: enough for the format to be recognised. */
const HEIC_HEADER = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1')]);

describe('bad files into the import pipeline (built app, real models, Chromium)', () => {
  let browser: Browser;
  let device: GuardedContext;
  let page: Page;
  let cdp: CDPSession;
  let dir: string;
  const baseUrl = inject('baseUrl');
  const chelsea = readFileSync(join(PHOTOS, 'chelsea.jpg'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'obscura-bad-files-'));
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl);
    page = await device.newPage();
    cdp = await device.context.newCDPSession(page);
    await cdp.send('Performance.enable');
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a vault and a notebook', async () => {
    await createVaultWithNotebook(page, baseUrl, PASSPHRASE, 'Bad files');
  });

  it('each bad file gets its own clear message; a 50 MP photo is downscaled and tagged', async () => {
    // 50 megapixels, made at test time (never committed): chelsea scaled up, so it still shows a cat.
    const huge = join(dir, 'huge-50mp.jpg');
    await sharp(chelsea).resize(8660, 5774, { fit: 'fill' }).jpeg({ quality: 85 }).toFile(huge);
    const files = [
      { name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) },
      // Cut inside the frame header: no size to read.
      { name: 'cut-header.jpg', mimeType: 'image/jpeg', buffer: chelsea.subarray(0, 120) },
      { name: 'bomb.png', mimeType: 'image/png', buffer: pngBomb() },
      { name: 'drawing.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(SVG_WITH_SCRIPT) },
      { name: 'iphone.heic', mimeType: 'image/heic', buffer: HEIC_HEADER },
      { name: 'document.jpg', mimeType: 'image/jpeg', buffer: tinyPdf() },
    ];
    await page.locator('#photo-files').setInputFiles(files);
    await page.locator('#photo-files').setInputFiles(huge);
    const expected: Record<string, RegExp> = {
      empty: /the file is empty/,
      'cut-header': /JPEG without a readable frame header/,
      bomb: /too large: 100000×100000 is 10000 megapixels, the limit is 268/,
      drawing: /not a JPEG, PNG, WebP or GIF image \(an SVG drawing\)/,
      iphone: /HEIC is not supported in this browser/,
      document: /not a JPEG, PNG, WebP or GIF image \(a PDF document\)/,
    };
    for (const [title, message] of Object.entries(expected)) {
      await noteCard(page, title).getByText('Could not import or tag').waitFor();
      const text = await failureMessage(page, title);
      console.log(`[bad-files] ${title}: ${text}`);
      expect(text).toMatch(message);
    }
    await screenshot(page, 'bad-files-messages-1280');

    // The SVG was never rendered: neither its script nor its onload ran.
    expect(await page.evaluate(() => (window as { __badFileScriptRan?: string }).__badFileScriptRan)).toBeUndefined();
    expect(await page.evaluate(() => localStorage.getItem('bad-file-script'))).toBeNull();

    const t0 = Date.now();
    await noteCard(page, 'huge-50mp').locator('.mini-chip', { hasText: /^cat$/ }).waitFor({ timeout: TAG_TIMEOUT });
    console.log(`[bad-files] 50 MP photo (8660x5774) tagged "cat" ${Date.now() - t0} ms after the bad files were listed`);
    await noteCard(page, 'huge-50mp').getByRole('button').click();
    await page.locator('.photo-caption', { hasText: '8660×5774' }).waitFor();
  });

  it('a truncated JPEG (header intact, half the data cut) is refused as damaged, before anything is stored', async () => {
    await page.locator('#photo-files').setInputFiles([{ name: 'truncated.jpg', mimeType: 'image/jpeg', buffer: chelsea.subarray(0, Math.floor(chelsea.length / 2)) }]);
    await noteCard(page, 'truncated').getByText('Could not import or tag').waitFor();
    const text = await failureMessage(page, 'truncated');
    console.log(`[bad-files] truncated: ${text}`);
    expect(text).toBe('This JPEG file is damaged and cannot be shown.');
  });

  it(`${BATCH} files at once: each becomes a note (or says why not), the page stays alive, heap sampled`, async () => {
    const batch = await Promise.all(
      Array.from({ length: BATCH }, async (_, i) => {
        const png = await sharp({ create: { width: 48, height: 36, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 13) % 256 } } })
          .png()
          .toBuffer();
        return { name: `batch-${String(i).padStart(3, '0')}.png`, mimeType: 'image/png', buffer: png };
      }),
    );
    let peak = await jsHeapUsed(cdp);
    const before = peak;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await jsHeapUsed(cdp).catch(() => 0));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const t0 = Date.now();
    await page.locator('#photo-files').setInputFiles(batch);
    const titles = batch.map((f) => f.name.replace(/\.png$/, ''));
    let states = new Map<string, string>();
    await expect
      .poll(
        async () => {
          states = await allCardStates(page);
          return titles.filter((t) => !['stored', 'tagged', 'failed'].includes(states.get(t) ?? 'missing')).length;
        },
        { timeout: 240_000, interval: 2000 },
      )
      .toBe(0);
    const storedMs = Date.now() - t0;
    sampling = false;
    await sampler;
    const failed = titles.filter((t) => states.get(t) === 'failed');
    console.log(
      `[bad-files] ${BATCH} files: all listed and stored in ${storedMs} ms; ${failed.length} per-file errors; JS heap ${(before / 1e6).toFixed(1)} MB before, peak ${(peak / 1e6).toFixed(1)} MB (CDP Performance.getMetrics JSHeapUsedSize, every 200 ms)`,
    );
    for (const t of failed) expect(await failureMessage(page, t)).not.toBe('');
    expect(await page.evaluate(() => document.title)).toBeTruthy();
  });

  it('the app keeps working: a good photo imported after all that is stored, and a typed note saves', async () => {
    await page.locator('#photo-files').setInputFiles([{ name: 'good-after.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(PHOTOS, 'coffee.jpg')) }]);
    // Behind the batch in the tagging queue (0.75 photos/s here): the thumbnail proves it is
    // stored; that tagging goes on after bad files is shown by the 50 MP photo above.
    await expect.poll(() => noteCard(page, 'good-after').locator('.thumb img').count(), { timeout: 60_000 }).toBe(1);
    await noteCard(page, 'good-after').getByRole('button').click();
    await page.getByLabel('Note', { exact: true }).fill('still typing after 200 files');
    await page.getByText('Saved', { exact: true }).waitFor();
  });

  it('made no request to any other origin and threw no page error', () => {
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
  });
});
