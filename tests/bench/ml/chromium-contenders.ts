import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../e2e/harness/browser.ts';
import type { BenchCase } from './bench-inputs.ts';
import { startBenchServer, type BenchServer } from './bench-server.ts';
import type { Contender } from './contender.ts';
import type { ModelVariant } from './model-variants.ts';

export const CHROMIUM = 'ort-web chromium';

export interface ChromiumPlan {
  readonly threads: readonly number[];
  /** ONNX cases, each with one model variant (bytes + session options); served from memory. */
  readonly ort: readonly { bench: BenchCase; variant: ModelVariant }[];
  /** Also run TF.js wasm on the original CenterNet graph (the conversion's alternative). */
  readonly tfjs?: BenchCase;
}

export interface ChromiumSession {
  readonly contenders: Contender[];
  readonly notes: string[];
  close(): Promise<void>;
}

/** Bundles one page script for the browser (ORT itself stays a runtime import where the page says so). */
export async function bundlePage(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
    logLevel: 'error',
    // TF.js's wasm backend has Node-only branches; they never run in the page.
    external: ['fs', 'path', 'os', 'crypto', 'worker_threads', 'perf_hooks', 'util'],
  });
  return out.outputFiles[0]!.text;
}

/**
 * Starts the bench server and headless Chromium and opens one page per thread
 * count (wasm fixes its thread count when it is first initialised), each with
 * every ORT case and, optionally, TF.js. Inputs are made in Node by the app's
 * preprocessing and served as raw float32, so every runtime sees the same bytes.
 */
export async function openChromium(plan: ChromiumPlan): Promise<ChromiumSession> {
  const memory = new Map<string, { body: Uint8Array | string; type: string }>();
  memory.set('/bench.html', { body: '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>', type: 'text/html' });
  memory.set('/page.js', { body: await bundlePage(join(import.meta.dirname, 'browser-page.ts')), type: 'text/javascript' });
  const cases = [...plan.ort.map((o) => o.bench), ...(plan.tfjs ? [plan.tfjs] : [])];
  for (const [i, o] of plan.ort.entries()) memory.set(`/model/${i}.onnx`, { body: o.variant.model, type: 'application/octet-stream' });
  for (const c of cases) memory.set(`/input/${c.name}.f32`, { body: new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength), type: 'application/octet-stream' });
  let server: BenchServer | undefined;
  let browser: Browser | undefined;
  const notes: string[] = [];
  try {
    server = await startBenchServer(memory);
    browser = await launchChromium();
    const contenders: Contender[] = [];
    for (const threads of plan.threads) {
      const page = await (await browser.newContext()).newPage();
      page.on('pageerror', (e) => notes.push(`page error: ${String(e)}`));
      await page.goto(`${server.url}/bench.html`);
      await page.waitForFunction('globalThis.obscuraBench !== undefined');
      const info = (await page.evaluate(`obscuraBench.setup(${threads})`)) as { crossOriginIsolated: boolean; tfjsBackend: string };
      if (!info.crossOriginIsolated) notes.push(`chromium ${threads}t: page is NOT crossOriginIsolated, wasm runs 1 thread`);
      const call = async (expr: string): Promise<number> => (await page.evaluate(expr)) as number;
      for (const [i, o] of plan.ort.entries()) {
        const key = `ort${i}`;
        const input = { url: `/input/${o.bench.name}.f32`, name: o.bench.inputName, dims: o.bench.dims };
        const args = JSON.stringify([key, `/model/${i}.onnx`, input, o.variant.options]).slice(1, -1);
        const createMs = await call(`obscuraBench.openOrt(${args})`);
        contenders.push({ runtime: `${CHROMIUM} [${o.variant.name}]`, model: o.bench.name, threads, createMs, runOnce: () => call(`obscuraBench.run('${key}')`) });
      }
      if (plan.tfjs) {
        const input = { url: `/input/${plan.tfjs.name}.f32`, name: plan.tfjs.inputName, dims: plan.tfjs.dims };
        const createMs = await call(`obscuraBench.openTfjs('tfjs', '/tfjs-model/centernet.json', ${JSON.stringify(input)})`);
        contenders.push({ runtime: 'tfjs-wasm chromium', model: plan.tfjs.name, threads, createMs, runOnce: () => call(`obscuraBench.run('tfjs')`) });
      }
    }
    const [b, s] = [browser, server];
    return { contenders, notes, close: async () => { await b.close(); await s.close(); } };
  } catch (err) {
    await browser?.close();
    await server?.close();
    throw err;
  }
}
