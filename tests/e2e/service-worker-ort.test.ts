import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../../sync/server/app-server.ts';
import { ISOLATION_HEADERS } from '../../sync/server/isolation-headers.ts';
import { guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';
import { E2E_DIST } from './harness/e2e-dist.ts';

/**
 * Issue 18 §4: the service worker served `/ort/` (onnxruntime-web's wasm and its glue, the
 * code of the worker that sees plaintext photos) cache-first, forever, under names without
 * a version, and took whatever the network answered: a bad response, or a stale one from
 * an older build, stayed in place as code. The server here is the real app server on the
 * e2e build, with a route in front that answers one /ort/ file with other bytes (what a
 * broken proxy, a half-deployed update or a compromised CDN edge would do).
 */
const ORT_DIST = resolve(import.meta.dirname, '..', '..', 'node_modules', 'onnxruntime-web', 'dist');
const GPU_GLUE = '/ort/ort-wasm-simd-threaded.asyncify.mjs';
const CPU_GLUE = '/ort/ort-wasm-simd-threaded.mjs';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pinned = (path: string) => sha256(readFileSync(join(ORT_DIST, path.slice('/ort/'.length))));

/** What the page gets for `path`, through its service worker: the sha256 of the body, or the error. */
async function fetchThroughWorker(page: Page, path: string): Promise<{ status: number; text: string } | { error: string }> {
  return page.evaluate(async (path) => {
    try {
      const res = await fetch(path);
      return { status: res.status, text: await res.text() };
    } catch (e) {
      return { error: String(e) };
    }
  }, path);
}

/** Every cached response under /ort/, by path, with the sha256 of its body (computed in Node). */
async function cachedOrt(page: Page): Promise<{ cache: string; path: string; sha256: string }[]> {
  const entries = await page.evaluate(async () => {
    const out: { cache: string; path: string; bytes: number[] }[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const path = new URL(request.url).pathname;
        if (!path.startsWith('/ort/')) continue;
        const body = new Uint8Array(await ((await cache.match(request)) as Response).arrayBuffer());
        // The glue files are small; for the wasm the first and last MB tell a changed file apart well enough.
        out.push({ cache: name, path, bytes: body.length < 4_000_000 ? [...body] : [] });
      }
    }
    return out;
  });
  return entries.filter((e) => e.bytes.length > 0).map((e) => ({ cache: e.cache, path: e.path, sha256: sha256(Uint8Array.from(e.bytes)) }));
}

/**
 * 'controlled' once the worker took the page, 'failed' once its install was refused (the
 * installing worker turned redundant, or a registration stood for 5 s with no worker at all).
 */
async function workerOutcome(page: Page): Promise<'controlled' | 'failed'> {
  return page.evaluate(
    () =>
      new Promise<'controlled' | 'failed'>((resolve) => {
        let empty = 0;
        const check = async () => {
          if (navigator.serviceWorker.controller) return resolve('controlled');
          const r = await navigator.serviceWorker.getRegistration();
          const w = r?.installing ?? r?.waiting ?? r?.active;
          if (w) {
            w.addEventListener('statechange', () => (w.state === 'redundant' ? resolve('failed') : undefined));
            if (w.state === 'redundant') return resolve('failed');
          } else if (r && ++empty > 25) {
            return resolve('failed');
          }
          setTimeout(() => void check(), 200);
        };
        void check();
      }),
  );
}

describe('the service worker never keeps or serves onnxruntime files other than the pinned ones (built app, Chromium)', () => {
  let server: AppServer;
  let browser: Browser;
  const tampered = new Map<string, string>();
  const contexts: GuardedContext[] = [];

  beforeAll(async () => {
    server = await startAppServer({ distDir: E2E_DIST, port: 0 });
    server.addRoute((req, res) => {
      const body = tampered.get((req.url ?? '').split('?')[0] ?? '');
      if (body === undefined) return false;
      res.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' });
      res.end(body);
      return true;
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    server?.server.closeAllConnections();
    await server?.close();
  });

  async function freshPage(): Promise<Page> {
    const device = await guardedContext(browser, server.url);
    contexts.push(device);
    const page = await device.newPage();
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
    return page;
  }

  it('a bad answer for the WebGPU glue (cached on first use) is refused, and nothing is cached for it', async () => {
    tampered.clear();
    tampered.set(GPU_GLUE, 'self.postMessage("not onnxruntime");\n');
    const page = await freshPage();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 90_000 });
    const got = await fetchThroughWorker(page, GPU_GLUE);
    expect(got).toHaveProperty('error');
    expect((await cachedOrt(page)).filter((e) => e.path === GPU_GLUE)).toEqual([]);
  }, 150_000);

  it('a bad answer for the CPU glue (precached) fails the install: no cached /ort/ file differs from its pin', async () => {
    tampered.clear();
    tampered.set(CPU_GLUE, 'self.postMessage("not onnxruntime either");\n');
    const page = await freshPage();
    const outcome = await workerOutcome(page);
    for (const entry of await cachedOrt(page)) expect(entry).toEqual({ ...entry, sha256: pinned(entry.path) });
    expect(outcome).toBe('failed');
  }, 150_000);

  it('a stale entry left in the old unversioned cache is never served, and is deleted', async () => {
    tampered.clear();
    const page = await freshPage();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 90_000 });
    await page.evaluate(async (path) => {
      const stale = await caches.open('obscura-ort-webgpu');
      await stale.put(path, new Response('self.postMessage("stale build");\n', { headers: { 'Content-Type': 'text/javascript' } }));
    }, GPU_GLUE);
    const got = await fetchThroughWorker(page, GPU_GLUE);
    expect('text' in got && sha256(new TextEncoder().encode(got.text))).toBe(pinned(GPU_GLUE));
    // The next start of the app clears caches of other builds; the one left is named after the pin.
    await page.reload();
    await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
    const current = `obscura-ort-webgpu-${pinned('/ort/ort-wasm-simd-threaded.asyncify.wasm').slice(0, 16)}`;
    await expect.poll(async () => (await page.evaluate(() => caches.keys())).filter((n) => n.startsWith('obscura-ort'))).toEqual([current]);
  }, 150_000);

  it('made no request to any other origin and threw no page error', () => {
    for (const device of contexts) {
      expect(device.foreignRequests).toEqual([]);
      expect(device.pageErrors).toEqual([]);
    }
  });
});
