import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageDecoder } from '../../../ml/image/image-decoder.ts';

/**
 * decode-browser.ts in a real Chromium: createImageBitmap and OffscreenCanvas
 * do not exist in Node. The page imports our TypeScript straight from the
 * repository through an intercepted origin, transpiled on the fly, so nothing
 * is built or served and no request leaves the test.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = process.cwd();
const ORIGIN = 'http://obscura.test';
const PHOTOS = join(ROOT, 'tests/fixtures/photos');

type Outcome =
  | { ok: true; width: number; height: number; originalWidth: number; originalHeight: number; pixels: number[][] }
  | { ok: false; code: string; message: string };

let browser: Browser;
let page: Page;

/** Decode in the page; report size and the RGBA of a few (x, y) probes. */
async function decode(bytes: Uint8Array, maxPixels: number, probes: [number, number][] = []): Promise<Outcome> {
  return page.evaluate(
    async ({ b64, maxPixels, probes }) => {
      const { decodeBrowser } = globalThis as unknown as { decodeBrowser: ImageDecoder };
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const r = await decodeBrowser(bytes, { maxPixels });
      if (!r.ok) return { ok: false as const, code: r.code, message: r.message };
      const { width, height, data } = r.image;
      const pixels = probes.map(([x, y]) => Array.from(data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)));
      return { ok: true as const, width, height, originalWidth: r.originalWidth, originalHeight: r.originalHeight, pixels };
    },
    { b64: Buffer.from(bytes).toString('base64'), maxPixels, probes },
  );
}

/** Upright 40x20 (red left, blue right), stored on its side with EXIF orientation 6. */
async function sidewaysJpeg(): Promise<Buffer> {
  const upright = Buffer.alloc(40 * 20 * 3);
  for (let y = 0; y < 20; y++) for (let x = 0; x < 40; x++) upright.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
  const stored = await sharp(upright, { raw: { width: 40, height: 20, channels: 3 } }).rotate(-90).raw().toBuffer();
  return sharp(stored, { raw: { width: 20, height: 40, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
}

describe.skipIf(!existsSync(CHROMIUM))('decodeBrowser in Chromium', () => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage();
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) return route.abort();
      if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>decode</title>' });
      const file = join(ROOT, url.pathname);
      if (!url.pathname.startsWith('/ml/image/') || !url.pathname.endsWith('.ts') || !existsSync(file)) return route.abort();
      const js = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      }).outputText;
      return route.fulfill({ contentType: 'text/javascript', body: js });
    });
    await page.goto(`${ORIGIN}/`);
    // A module script, not import() inside evaluate: vitest rewrites import() in test code.
    await page.addScriptTag({
      type: 'module',
      content: "import { decodeBrowser } from '/ml/image/decode-browser.ts'; globalThis.decodeBrowser = decodeBrowser;",
    });
    await page.waitForFunction(() => 'decodeBrowser' in globalThis);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.each(['coffee.jpg', 'page.png', 'text-card.jpg'])('decodes fixture %s at full size', async (name) => {
    const bytes = readFileSync(join(PHOTOS, name));
    const meta = await sharp(bytes).metadata();
    expect(await decode(bytes, 50_000_000)).toMatchObject({ ok: true, width: meta.width, height: meta.height });
  });

  it.each(['webp', 'gif'] as const)('decodes %s', async (format) => {
    const bytes = await sharp(join(PHOTOS, 'chelsea.jpg')).toFormat(format).toBuffer();
    expect(await decode(bytes, 50_000_000)).toMatchObject({ ok: true, width: 451, height: 300 });
  });

  it('downscales to the same size as the Node decoder', async () => {
    const r = await decode(readFileSync(join(PHOTOS, 'coffee.jpg')), 6000);
    expect(r).toMatchObject({ ok: true, width: 94, height: 63, originalWidth: 600, originalHeight: 400 });
  });

  it('applies EXIF orientation, also when downscaling (aspect kept)', async () => {
    const jpeg = await sidewaysJpeg();
    const full = await decode(jpeg, 1e6, [[5, 10], [35, 10]]);
    expect(full).toMatchObject({ ok: true, width: 40, height: 20, originalWidth: 40, originalHeight: 20 });
    if (!full.ok) return;
    expect(full.pixels[0]![0]).toBeGreaterThan(200); // red on the left
    expect(full.pixels[1]![2]).toBeGreaterThan(200); // blue on the right
    const small = await decode(jpeg, 200, [[2, 3], [17, 3]]);
    expect(small).toMatchObject({ ok: true, width: 20, height: 10 });
    if (!small.ok) return;
    expect(small.pixels[0]![0]).toBeGreaterThan(180);
    expect(small.pixels[1]![2]).toBeGreaterThan(180);
  });

  it('gives the same error codes as the Node decoder', async () => {
    const jpeg = readFileSync(join(PHOTOS, 'coffee.jpg'));
    expect(await decode(new Uint8Array(0), 1e6)).toMatchObject({ ok: false, code: 'E_IMAGE_CORRUPT' });
    expect(await decode(jpeg.subarray(0, 30), 1e6)).toMatchObject({ ok: false, code: 'E_IMAGE_CORRUPT' });
    expect(await decode(new TextEncoder().encode('%PDF-1.7\n'), 1e6)).toMatchObject({ ok: false, code: 'E_IMAGE_UNSUPPORTED' });
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>');
    expect(await decode(svg, 1e6)).toMatchObject({ ok: false, code: 'E_IMAGE_UNSUPPORTED' });
  });

  it('reports what Chromium does with a JPEG cut in half', async () => {
    const jpeg = readFileSync(join(PHOTOS, 'coffee.jpg'));
    const r = await decode(jpeg.subarray(0, jpeg.length >> 1), 1e6);
    expect(r).toMatchObject({ ok: false, code: 'E_IMAGE_CORRUPT' });
  });
});
