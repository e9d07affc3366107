import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { ISOLATION_HEADERS } from '../../../sync/server/isolation-headers.ts';
import { ROOT } from './bench-inputs.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** URL prefix -> directory under the repo root; nothing else on disk is served. */
const MOUNTS: Record<string, string> = {
  '/ort/': 'node_modules/onnxruntime-web/dist',
  '/tfjs/': 'node_modules/@tensorflow/tfjs-backend-wasm/dist',
  '/tfjs-model/': 'node_modules/@vladmandic/human/models',
  '/models/': 'models',
  '/photos/': 'tests/fixtures/photos',
};

export interface BenchServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A tiny static server on 127.0.0.1 for the bench page. Every response carries
 * the app's cross-origin isolation headers (sync/server/isolation-headers.ts):
 * without them onnxruntime-web silently runs one thread and the 2-thread
 * column would measure nothing. `memory` holds generated files (page bundle,
 * input tensors).
 */
export async function startBenchServer(memory: ReadonlyMap<string, { body: Uint8Array | string; type: string }>): Promise<BenchServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const mem = memory.get(path);
      let body: Uint8Array | string | undefined = mem?.body;
      let type = mem?.type ?? 'application/octet-stream';
      const mount = Object.keys(MOUNTS).find((m) => path.startsWith(m));
      if (!mem && mount) {
        const dir = join(ROOT, MOUNTS[mount]!);
        const file = normalize(join(dir, decodeURIComponent(path.slice(mount.length))));
        if (file.startsWith(dir + sep)) {
          body = await readFile(file).catch(() => undefined);
          type = TYPES[extname(file)] ?? type;
        }
      }
      res.writeHead(body === undefined ? 404 : 200, { ...ISOLATION_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
