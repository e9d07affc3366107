import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DebugInfo, TagResult } from '../../ml/worker/ml-api.ts';
import type { MlDebugHook } from '../../ml/worker/ml-debug-hook.ts';
import { guardedContext, launchChromium, screenshot, type GuardedContext } from './harness/browser.ts';

type DebugWindow = { __obscuraDebug?: MlDebugHook };

/**
 * The app's own ML worker in the built app: `?debug=ml` makes src/main.tsx
 * install window.__obscuraDebug (ml/worker/ml-debug-hook.ts), which starts the
 * same worker chunk the app uses and tags bytes we hand it.
 */
describe('ML worker in the built app (Chromium)', () => {
  let browser: Browser;
  let device: GuardedContext;
  let page: Page;
  const baseUrl = inject('baseUrl');
  const requested: string[] = [];

  async function openDebugPage(context: GuardedContext): Promise<Page> {
    const p = await context.newPage();
    await p.goto(`${baseUrl}?debug=ml`);
    await p.waitForFunction(() => (window as DebugWindow).__obscuraDebug !== undefined);
    return p;
  }

  beforeAll(async () => {
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl);
    // Worker requests are reported on the context too.
    device.context.on('request', (r) => requested.push(new URL(r.url()).pathname));
    page = await openDebugPage(device);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('tags chelsea.jpg as a cat with threaded wasm, models from our own origin only', async () => {
    const bytes = [...(await readFile(join(process.cwd(), 'tests/fixtures/photos/chelsea.jpg')))];
    const tag = (b: number[]) => page.evaluate((x) => (window as DebugWindow).__obscuraDebug!.tagFixture(x), b);
    const first: TagResult = await tag(bytes);
    expect(first.error).toBeUndefined();
    expect(first.labels[0]?.label).toBe('cat');
    expect(first.labels[0]?.score).toBeGreaterThan(0.3);
    expect(first.pipelineVersion).toMatch(/^pipeline@\d+\+detector@centernet-mobilenetv3-coco80:[\d.]+\+ocr@/);
    // A second photo uses the cached sessions: this is the per-photo cost.
    const second: TagResult = await tag(bytes);
    expect(second.labels.map((l) => l.label)).toEqual(first.labels.map((l) => l.label));

    const info: DebugInfo = await page.evaluate(() => (window as DebugWindow).__obscuraDebug!.debugInfo());
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // One wasm thread per core (2 here), as onnxruntime-web reports after init: it would drop to 1 silently.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(cores).toBeGreaterThanOrEqual(2);
    expect(info).toMatchObject({ backend: 'wasm', threads: cores, crossOriginIsolated: true });
    expect(info.sessions.map((s) => s.modelId)).toContain('centernet-mobilenetv3-coco80');
    console.log(
      `ML in Chromium: first tag ${first.ms} ms (models loading), second ${second.ms} ms ${JSON.stringify(second.timings)}; ` +
        `sessions ${info.sessions.map((s) => `${s.modelId} create ${s.createMs} ms + warm-up ${s.warmUpMs} ms`).join(', ')}`,
    );

    await page.evaluate((r) => {
      const pre = document.createElement('pre');
      pre.setAttribute('data-testid', 'ml-debug');
      pre.style.cssText = 'position:fixed;bottom:0;left:0;right:0;margin:0;padding:8px;background:#fff;color:#000;font:12px monospace;white-space:pre-wrap';
      pre.textContent = JSON.stringify(r, null, 1);
      document.body.append(pre);
    }, { labels: second.labels.map((l) => `${l.label} ${l.score.toFixed(2)}`), ms: second.ms, info });
    await screenshot(page, 'ml-worker-chelsea');
    expect(device.foreignRequests).toEqual([]);
    expect(device.pageErrors).toEqual([]);
    // Our own copies: the wasm ORT was told to use, and the pinned models.
    expect(requested).toContain('/ort/ort-wasm-simd-threaded.wasm');
    expect(requested).toContain('/models/generated/centernet.onnx');
    // Once by the service worker's precache and once by ORT (through it): still only the CPU build.
    expect([...new Set(requested.filter((r) => r.endsWith('.wasm')))]).toEqual(['/ort/ort-wasm-simd-threaded.wasm']);
  });

  it('reads the text of text-card.jpg with the same worker (OCR)', async () => {
    const bytes = [...(await readFile(join(process.cwd(), 'tests/fixtures/photos/text-card.jpg')))];
    const r: TagResult = await page.evaluate((x) => (window as DebugWindow).__obscuraDebug!.tagFixture(x), bytes);
    expect(r.error).toBeUndefined();
    const text = r.text.map((l) => l.text).join('\n');
    console.log(`OCR in Chromium: ${r.ms} ms (${JSON.stringify(r.timings)}): ${JSON.stringify(text)}`);
    expect(text).toMatch(/Receipt/);
    expect(text).toMatch(/42\.17/);
  });

  it('finds and embeds the face of the astronaut with onnxruntime-web when asked', async () => {
    const bytes = [...(await readFile(join(process.cwd(), 'tests/fixtures/photos/astronaut.jpg')))];
    const r: TagResult = await page.evaluate((x) => (window as DebugWindow).__obscuraDebug!.tagFixture(x, { ocr: false, faces: true }), bytes);
    expect(r.error).toBeUndefined();
    expect(r.pipelineVersion).toContain('+faces@blazeface-back:1.0.0,faceres:1.0.0');
    expect(r.faces).toHaveLength(1);
    const face = r.faces![0]!;
    expect(face.box[0]).toBeGreaterThan(140);
    expect(face.box[2]).toBeLessThan(310);
    expect(face.embedding).toHaveLength(1024);
    expect(face.embedding.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 3);
    console.log(`faces in Chromium: ${r.ms} ms (${JSON.stringify(r.timings)})`);
  });

  it('E_MODEL_HASH: a swapped model file is refused in the browser too', async () => {
    const other = await guardedContext(browser, baseUrl);
    await other.context.route('**/models/generated/centernet.onnx', (route) =>
      route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from('not the pinned model') }),
    );
    const p = await openDebugPage(other);
    const bytes = [...(await readFile(join(process.cwd(), 'tests/fixtures/photos/coffee.jpg')))];
    const r: TagResult = await p.evaluate((x) => (window as DebugWindow).__obscuraDebug!.tagFixture(x, { ocr: false }), bytes);
    expect(r.error?.code).toBe('E_MODEL_HASH');
    expect(r.labels).toEqual([]);
    expect(other.foreignRequests).toEqual([]);
    await other.context.close();
  });
});
