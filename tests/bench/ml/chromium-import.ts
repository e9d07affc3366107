import { join } from 'node:path';
import { launchChromium } from '../../e2e/harness/browser.ts';
import { bundlePage } from './chromium-contenders.ts';
import type { PageImportResult } from './import-page.ts';
import { IMPORT_FIXTURES, type ImportThroughput } from './import-throughput.ts';
import { startBenchServer } from './bench-server.ts';

/**
 * End-to-end import in headless Chromium, cross-origin isolated: the app's
 * tagger with decodeBrowser and threaded wasm on the five fixtures x `repeat`.
 * Models come from models/ over HTTP and are sha256-checked by the tagger's
 * session cache, as in the app.
 */
export async function chromiumImportThroughput(threads: number, repeat = 4): Promise<ImportThroughput & { firstMs: number }> {
  const memory = new Map<string, { body: Uint8Array | string; type: string }>([
    ['/import.html', { body: '<!doctype html><meta charset="utf-8"><script type="module" src="/import.js"></script>', type: 'text/html' }],
    ['/import.js', { body: await bundlePage(join(import.meta.dirname, 'import-page.ts')), type: 'text/javascript' }],
  ]);
  const server = await startBenchServer(memory);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}/import.html`);
    await page.waitForFunction('globalThis.obscuraImport !== undefined');
    const urls = Array.from({ length: repeat }, () => IMPORT_FIXTURES.map((f) => `/photos/${f}`)).flat();
    const r = (await page.evaluate(`obscuraImport(${JSON.stringify(urls)}, ${threads})`)) as PageImportResult;
    const problems = [...pageErrors, ...r.errors, ...(r.crossOriginIsolated ? [] : ['page is not crossOriginIsolated'])];
    if (problems.length > 0) throw new Error(`chromium import: ${problems.join('; ')}`);
    return {
      photos: r.photos,
      threads,
      inFlight: 1,
      seconds: r.seconds,
      photosPerSecond: r.photos / r.seconds,
      labels: r.labels,
      textLines: r.textLines,
      firstMs: r.firstMs,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
