import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { startAppServer } from '../../../sync/server/app-server.ts';
import { ensureBuild } from '../../../sync/server/ensure-build.ts';
import type { TagLogEntry as TagWrite } from '../../../ml/worker/tag-log-entry.ts';
import { guardedContext, launchChromium } from '../../e2e/harness/browser.ts';
import { E2E_DIST } from '../../e2e/harness/e2e-dist.ts';
import { createVaultWithNotebook, jsHeapUsed } from '../../e2e/harness/photo-notes.ts';
import { ROOT } from './bench-inputs.ts';
import type { ImportPhoto } from './import-photos.ts';
import { ML_LAYOUT_KEY } from '../../../ml/worker/ml-worker-pool.ts';

const PASSPHRASE = 'import bench passphrase, long enough';
const NOTEBOOK = 'Bench';

export interface AppImportResult {
  readonly photos: number;
  readonly tagged: number;
  /** Titles of the photos that failed (to import or to tag). */
  readonly failed: string[];
  /** From the drop to the first tag written: worker start and model load included. */
  readonly firstPhotoMs: number;
  /** From the drop to the last tag written. */
  readonly seconds: number;
  /** Photos tagged after the first / time between the first and the last tag: the sustained rate. */
  readonly sustainedPhotosPerSecond: number;
  /** Time between one tag written and the next, in order: what each photo costs in the flow. */
  readonly intervalsMs: number[];
  readonly writes: TagWrite[];
  /** Labels as stored (above the threshold), by note title. */
  readonly labels: Record<string, string[]>;
  readonly longestTaskMs: number;
  readonly longTasks: number;
  /** Peak of the page's JS heap in use (CDP, sampled every 200 ms), MB. */
  readonly peakHeapMB: number;
  /** performance.measureUserAgentSpecificMemory() after the import: the page and its workers (wasm memory included), MB. */
  readonly memoryAfterMB: { total: number; workers: number } | undefined;
  /** The same, sampled every few seconds during the import: the peaks, MB. */
  readonly memoryPeakMB: { total: number; workers: number } | undefined;
}

export interface FirstTagResult {
  /** Typing the passphrase on the unlock screen, key by key. */
  readonly typingMs: number;
  /** From the click on Unlock to the notebook shown. */
  readonly unlockMs: number;
  /** From the notebook shown (the vault unlocked) to the first tag written, the photo dropped at once. */
  readonly firstTagMs: number;
  /** Of that, the worker's own time on the photo (decode to OCR): the rest is waiting (models still loading) and the app's path. */
  readonly firstWorkerMs: number;
  /** Of that, decode / detect / OCR: with both halves in parallel (ml-worker-pool.ts) detect + OCR exceed the worker's time. */
  readonly firstTimings: TagWrite['timings'];
  /** From the notebook shown to the photo's first tag request to a worker: storing it, then decrypting it. */
  readonly firstPostMs: number | undefined;
}

/** Before any page script: records every long task (> 50 ms) of the main thread. */
const LONG_TASKS = `
  globalThis.__benchLongTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) globalThis.__benchLongTasks.push([e.startTime + performance.timeOrigin, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  // When the page asks a worker to tag (ml/worker/rpc.ts requests): splits the first tag's
  // wait into the app's path before the worker, the worker, and the path after.
  globalThis.__benchTagPosts = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, transfer) {
    if (message && message.rpc === 1 && message.method === 'tag') globalThis.__benchTagPosts.push(Date.now());
    return post.call(this, message, transfer);
  };
`;

const tagLog = (page: Page): Promise<TagWrite[]> => page.evaluate(() => (globalThis as { __obscuraTagLog?: TagWrite[] }).__obscuraTagLog ?? []);
const states = (page: Page): Promise<Record<string, string>> =>
  page.evaluate(() => (window as { __obscuraNotes?: { taggingStates(): Record<string, string> } }).__obscuraNotes?.taggingStates() ?? {});

const titlesOf = (photos: readonly ImportPhoto[]): Set<string> => new Set(photos.map((p) => p.name.replace(/\.jpg$/, '')));

/**
 * Chooses the photos in the file input by path, as the file chooser does: given bytes instead,
 * Playwright sends them base64 into the page and decodes them there (atob), seconds of main-thread
 * work that is the bench's own, not the app's (measured: a 2.6 s task for six photos).
 */
async function dropPhotos(page: Page, photos: readonly ImportPhoto[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-import-bench-'));
  try {
    const paths = await Promise.all(
      photos.map(async (p) => {
        await writeFile(join(dir, p.name), p.bytes);
        return join(dir, p.name);
      }),
    );
    await page.locator('#photo-files').setInputFiles(paths);
  } finally {
    // The page has File objects now; Chromium reads them lazily, so the files stay until the import is done.
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
  }
}

const cleanups: (() => Promise<void>)[] = [];

/** Waits until the photos named (note titles) have a tag written or failed; returns the failed titles. */
async function waitForTags(page: Page, titles: ReadonlySet<string>, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  const count = titles.size;
  for (;;) {
    const s = await states(page);
    const failed = Object.entries(s).filter(([k, v]) => v === 'failed' && titles.has(k)).map(([k]) => k);
    if ((await tagLog(page)).length + failed.length >= count) return failed;
    if (Date.now() > until) throw new Error(`import bench: ${count} photos not tagged after ${timeoutMs} ms: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function sampleHeap(cdp: CDPSession, stop: { done: boolean }): Promise<number> {
  let peak = 0;
  while (!stop.done) {
    peak = Math.max(peak, await jsHeapUsed(cdp));
    await new Promise((r) => setTimeout(r, 200));
  }
  return Math.max(peak, await jsHeapUsed(cdp));
}

/**
 * Peaks of the page's and its workers' memory (wasm memory included), every 3 s: each measure
 * is a whole-agent walk, so not more often than that while the import runs.
 */
async function sampleMemory(page: Page, stop: { done: boolean }): Promise<{ total: number; workers: number } | undefined> {
  let peak: { total: number; workers: number } | undefined;
  const take = async () => {
    const m = await measureMemory(page).catch(() => undefined);
    if (m) peak = { total: Math.max(peak?.total ?? 0, m.total), workers: Math.max(peak?.workers ?? 0, m.workers) };
  };
  while (!stop.done) {
    await take();
    await new Promise((r) => setTimeout(r, 3000));
  }
  await take();
  return peak;
}

/**
 * The real app path in headless Chromium: the e2e build of the app (its only extra is the
 * test hooks that log each tag write, src/app/test-hooks.ts), served as `npm start` serves
 * it; a new vault and notebook; all photos chosen at once in the file chooser, as a person
 * imports: thumbnail, encryption and storage on the page, decryption, decode, detection and
 * OCR in the ML worker, the tags sealed into the notebook. Then a reload, an unlock, and one
 * photo dropped as soon as the notebook shows: the first tag after unlock.
 */
export async function appImport(
  photos: readonly ImportPhoto[],
  firstPhoto: ImportPhoto,
  timeoutMs: number,
  /** Between keys when the passphrase is typed on the unlock screen. */
  msPerKey: number,
  /** Where to write a CPU profile of the page's main thread during the import (DevTools' .cpuprofile). */
  profilePath?: string,
  /** ML workers x threads each, e.g. "1x2" (the e2e build reads it, src/app/ml-warmup.ts); default the app's own choice. */
  mlLayout?: string,
): Promise<{ run: AppImportResult; first: FirstTagResult }> {
  await ensureBuild(ROOT, E2E_DIST, 'e2e');
  const app = await startAppServer({ distDir: E2E_DIST, port: 0 });
  const browser = await launchChromium(['--enable-blink-features=ForceEagerMeasureMemory']);
  try {
    const device = await guardedContext(browser, app.url);
    await device.context.addInitScript(LONG_TASKS);
    if (mlLayout) await device.context.addInitScript(([key, l]) => localStorage.setItem(key, l), [ML_LAYOUT_KEY, mlLayout] as const);
    const page = await device.newPage();
    await createVaultWithNotebook(page, `${app.url}/?debug=notes`, PASSPHRASE, NOTEBOOK);
    const cdp = await device.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const stop = { done: false };
    const heap = sampleHeap(cdp, stop);
    const memoryPeak = sampleMemory(page, stop);
    if (profilePath) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
      await cdp.send('Profiler.start');
    }
    const dropAt = Date.now();
    await dropPhotos(page, photos);
    const failed = await waitForTags(page, titlesOf(photos), timeoutMs);
    stop.done = true;
    if (profilePath) await writeFile(profilePath, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const peakHeap = await heap;
    const memoryPeakMB = await memoryPeak;
    const writes = [...(await tagLog(page))].sort((a, b) => a.at - b.at);
    const last = writes.at(-1)?.at ?? Date.now();
    const first = writes[0]?.at ?? last;
    const longTasks = ((await page.evaluate('globalThis.__benchLongTasks')) as [number, number][]).filter(([t]) => t >= dropAt && t <= last);
    const titles = (await page.evaluate(() => (window as { __obscuraNotes?: { titles(): Record<string, string> } }).__obscuraNotes?.titles() ?? {})) as Record<string, string>;
    const memoryAfterMB = await measureMemory(page);
    const run: AppImportResult = {
      photos: photos.length,
      tagged: writes.length,
      failed,
      firstPhotoMs: first - dropAt,
      seconds: (last - dropAt) / 1000,
      sustainedPhotosPerSecond: writes.length > 1 ? (writes.length - 1) / ((last - first) / 1000) : 0,
      intervalsMs: writes.slice(1).map((w, i) => w.at - writes[i]!.at),
      writes,
      labels: Object.fromEntries(writes.map((w) => [titles[w.noteId] ?? w.noteId, [...w.labels]])),
      longestTaskMs: Math.max(0, ...longTasks.map(([, d]) => d)),
      longTasks: longTasks.length,
      peakHeapMB: peakHeap / 2 ** 20,
      memoryAfterMB,
      memoryPeakMB,
    };
    if (device.pageErrors.length > 0 || device.foreignRequests.length > 0) {
      throw new Error(`import bench: page errors ${JSON.stringify(device.pageErrors)}, foreign requests ${JSON.stringify(device.foreignRequests)}`);
    }
    return { run, first: await firstTagAfterUnlock(page, firstPhoto, timeoutMs, msPerKey) };
  } finally {
    await browser.close();
    await app.close();
    for (const c of cleanups.splice(0)) await c();
  }
}

async function firstTagAfterUnlock(page: Page, photo: ImportPhoto, timeoutMs: number, msPerKey: number): Promise<FirstTagResult> {
  await page.reload();
  await page.getByRole('heading', { name: 'Unlock Obscura' }).waitFor();
  // Typed as a person types (the unlock screen loads the models meanwhile, src/app/ml-warmup.ts).
  const typingAt = Date.now();
  await page.getByLabel('Passphrase').pressSequentially(PASSPHRASE, { delay: msPerKey });
  const typingMs = Date.now() - typingAt;
  const clickAt = Date.now();
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await page.getByRole('button', { name: 'Import photos' }).waitFor();
  const unlockedAt = Date.now();
  // The reload gave the page a fresh (empty) list; a drop's requests come after this.
  await dropPhotos(page, [photo]);
  const failed = await waitForTags(page, titlesOf([photo]), timeoutMs);
  if (failed.length > 0) throw new Error(`import bench: the photo after unlock failed: ${failed.join(', ')}`);
  const [write] = await tagLog(page);
  const posts = ((await page.evaluate('globalThis.__benchTagPosts')) as number[]).filter((t) => t >= unlockedAt);
  return { typingMs, unlockMs: unlockedAt - clickAt, firstTagMs: write!.at - unlockedAt, firstWorkerMs: write!.workerMs, firstTimings: write!.timings, firstPostMs: posts.length > 0 ? Math.min(...posts) - unlockedAt : undefined };
}

/** The page's and its workers' memory as Chromium accounts it (needs cross-origin isolation). */
async function measureMemory(page: Page): Promise<{ total: number; workers: number } | undefined> {
  return page.evaluate(async () => {
    const p = performance as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: { bytes: number; attribution: { scope: string }[] }[] }> };
    if (!p.measureUserAgentSpecificMemory) return undefined;
    const m = await p.measureUserAgentSpecificMemory();
    const workers = m.breakdown.filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((s, b) => s + b.bytes, 0);
    return { total: m.bytes / 2 ** 20, workers: workers / 2 ** 20 };
  });
}
