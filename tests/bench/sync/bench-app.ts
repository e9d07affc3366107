import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAppServer } from '../../../sync/server/app-server.ts';
import { attachSync } from '../../../sync/server/attach-sync.ts';
import { ensureBuild } from '../../../sync/server/ensure-build.ts';

/** Blobs below this are thumbnails (a 320 px JPEG, padded): originals are camera photos of 0.3 MB and up. */
const THUMB_MAX_BYTES = 256 * 1024;

export interface BlobGets {
  /** Clears the counts and sets the delay added before each blob GET is answered from now on. */
  reset(delayMs: number): void;
  /** GETs of thumbnail-sized blobs since the reset, the median time the relay took for one (delay included), and when (this process's performance.now()) the last one was answered. */
  thumbs(): { count: number; medianMs: number; lastAt: number };
  /** GETs of larger blobs (originals, kept in the background) since the reset. */
  originals(): number;
}

export interface BenchApp {
  readonly url: string;
  readonly blobGets: BlobGets;
  close(): Promise<void>;
}

/** The blob's whole size from a relay answer: Content-Range's total, or the body length of a 200. */
function blobSize(res: ServerResponse): number {
  const range = String(res.getHeader('content-range') ?? '');
  const total = /\/(\d+)$/.exec(range)?.[1];
  return Number(total ?? res.getHeader('content-length') ?? 0);
}

/**
 * The production build (as `npm start` serves it, dist/) with the signaling server and the
 * relay on its port, in this process, with a throwaway data dir; blob GETs are counted and
 * timed at the relay, and can be answered after an added delay (a relay across the internet).
 */
export async function startBenchApp(): Promise<BenchApp> {
  const root = resolve(import.meta.dirname, '..', '..', '..');
  const distDir = join(root, 'dist');
  await ensureBuild(root, distDir);
  const dataDir = mkdtempSync(join(tmpdir(), 'obscura-bench-relay-'));
  const app = await startAppServer({ distDir, port: 0 });
  let delayMs = 0;
  let thumbTimes: number[] = [];
  let lastThumbAt = NaN;
  let originals = 0;
  const sync = await attachSync({
    server: app.server,
    baseUrl: app.url,
    dataDir,
    addRoute: (relayRoute) =>
      app.addRoute((req: IncomingMessage, res: ServerResponse) => {
        if (req.method !== 'GET' || !req.url?.startsWith('/relay-blobs/')) return relayRoute(req, res);
        const arrived = performance.now();
        res.once('finish', () => {
          if (res.statusCode >= 300) return;
          if (blobSize(res) < THUMB_MAX_BYTES) {
            lastThumbAt = performance.now();
            thumbTimes.push(lastThumbAt - arrived);
          }
          else originals++;
        });
        const answer = () => relayRoute(req, res) || ((res.statusCode = 404), res.end());
        if (delayMs > 0) setTimeout(answer, delayMs);
        else answer();
        return true;
      }),
  });
  return {
    url: app.url,
    blobGets: {
      reset(delay) {
        delayMs = delay;
        thumbTimes = [];
        lastThumbAt = NaN;
        originals = 0;
      },
      thumbs() {
        const sorted = [...thumbTimes].sort((a, b) => a - b);
        return { count: sorted.length, medianMs: sorted[Math.floor(sorted.length / 2)] ?? NaN, lastAt: lastThumbAt };
      },
      originals: () => originals,
    },
    async close() {
      await sync.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
