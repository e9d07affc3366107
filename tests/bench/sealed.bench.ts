/**
 * `npm run bench -- sealed [notes]`: a notebook of 10,000 notes loaded plain vs sealed
 * (decrypt + verify + apply) from IndexedDB, in Chromium (real IndexedDB) and in Node
 * (fake-indexeddb). Targets (issue 2): sealed load <= 2x plain and < 1 s; bytes <= 1.3x.
 * Also what size padding costs: the box sealed again unpadded (envelope v2) and padded (v3).
 */
import 'fake-indexeddb/auto';
import { join } from 'node:path';
import { launchChromium } from '../e2e/harness/browser.ts';
import { bundlePage } from './ml/chromium-contenders.ts';
import { startBenchServer } from './ml/bench-server.ts';
import { runSealedWorkload, type SealedResult } from './sealed/workload.ts';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function report(where: string, r: SealedResult): void {
  const plainMs = median(r.plainLoadMs);
  const sealedMs = median(r.sealedLoadMs);
  console.log(`\n${where}: ${r.notes} notes, built in ${(r.buildMs / 1000).toFixed(1)} s; box = ${r.snapshots} snapshot(s) + ${r.entries} entries`);
  console.table({
    'load ms (median of 5)': { plain: +plainMs.toFixed(1), sealed: +sealedMs.toFixed(1), ratio: +(sealedMs / plainMs).toFixed(2), target: '<= 2x, < 1000 ms' },
    'stored bytes (state)': { plain: r.plainBytes, sealed: r.sealedBytes, ratio: +(r.sealedBytes / r.plainBytes).toFixed(3), target: '<= 1.3x' },
    'peak heap during load MiB': { plain: +r.plainHeapMb.toFixed(1), sealed: +r.sealedHeapMb.toFixed(1), ratio: '', target: '' },
  });
  const { v2, v3 } = r.padding;
  console.log('Padding (issue 13 §2): the same box sealed again as envelope v2 (unpadded) and v3 (Padmé buckets):');
  console.table({
    'box bytes (state)': { v2: v2.bytes, v3: v3.bytes, ratio: +(v3.bytes / v2.bytes).toFixed(3) },
    'open + seal ms (every envelope, best of 3)': { v2: +v2.sealMs.toFixed(1), v3: +v3.sealMs.toFixed(1), ratio: +(v3.sealMs / v2.sealMs).toFixed(2) },
    'load ms (median of 5)': { v2: +median(v2.loadMs).toFixed(1), v3: +median(v3.loadMs).toFixed(1), ratio: +(median(v3.loadMs) / median(v2.loadMs)).toFixed(2) },
  });
}

async function inChromium(count: number): Promise<SealedResult> {
  const memory = new Map<string, { body: string; type: string }>([
    ['/bench.html', { body: '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>', type: 'text/html' }],
    ['/page.js', { body: await bundlePage(join(import.meta.dirname, 'sealed', 'page.ts')), type: 'text/javascript' }],
  ]);
  const server = await startBenchServer(memory);
  const browser = await launchChromium(['--enable-precise-memory-info']);
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/bench.html`);
    await page.waitForFunction(() => 'runSealedBench' in globalThis);
    return await page.evaluate((n) => (globalThis as unknown as { runSealedBench(n: number): Promise<SealedResult> }).runSealedBench(n), count);
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function run(args: string[]): Promise<void> {
  const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000);
  if (!args.includes('--no-browser')) report('Chromium, real IndexedDB', await inChromium(count));
  report('Node, fake-indexeddb', await runSealedWorkload(count, () => process.memoryUsage().heapUsed));
}
