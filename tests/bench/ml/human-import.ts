import { join } from 'node:path';
import { launchChromium } from '../../e2e/harness/browser.ts';
import { bundlePage } from './chromium-contenders.ts';
import type { HumanImportResult } from './human-page.ts';
import type { ImportPhoto } from './import-photos.ts';
import { startBenchServer } from './bench-server.ts';

/**
 * The TF.js baseline (human-page.ts) in headless Chromium, cross-origin isolated so TF.js's
 * wasm backend runs `threads` threads, on the same photos as the app.
 */
export async function humanImport(photos: readonly ImportPhoto[], threads: number): Promise<HumanImportResult> {
  const memory = new Map<string, { body: Uint8Array | string; type: string }>([
    ['/human.html', { body: '<!doctype html><meta charset="utf-8"><script type="module" src="/human.js"></script>', type: 'text/html' }],
    ['/human.js', { body: await bundlePage(join(import.meta.dirname, 'human-page.ts')), type: 'text/javascript' }],
  ]);
  for (const p of photos) memory.set(`/import-photos/${p.name}`, { body: p.bytes, type: 'image/jpeg' });
  const server = await startBenchServer(memory);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}/human.html`);
    await page.waitForFunction('globalThis.humanImport !== undefined');
    const r = (await page.evaluate(`humanImport(${JSON.stringify(photos.map((p) => p.name))}, ${threads})`)) as HumanImportResult;
    const problems = [...pageErrors, ...(r.crossOriginIsolated ? [] : ['page is not crossOriginIsolated']), ...(r.backend === 'wasm' ? [] : [`backend ${r.backend}`])];
    if (problems.length > 0) throw new Error(`TF.js baseline: ${problems.join('; ')}`);
    return r;
  } finally {
    await browser.close();
    await server.close();
  }
}
