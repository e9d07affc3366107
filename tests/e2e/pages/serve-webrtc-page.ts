import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { originsServedFrom } from '../../../sync/server/origin-allow-list.ts';
import { createSignalingServer, type SignalingServer } from '../../../sync/server/signaling.ts';

export interface WebrtcPageServer {
  /** `http://127.0.0.1:<port>/`: the page; `ws://…/signal`: our signaling server. */
  readonly baseUrl: string;
  readonly signaling: SignalingServer;
  close(): Promise<void>;
}

/**
 * Serves webrtc-page.ts (bundled) with our signaling server on one throwaway loopback port,
 * for the chunking e2e and the Chromium sync bench: two contexts load it as two devices.
 */
export async function serveWebrtcPage(): Promise<WebrtcPageServer> {
  const bundle = await build({
    entryPoints: [resolve(import.meta.dirname, 'webrtc-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  const script = bundle.outputFiles[0]!.text;
  const html = '<!doctype html><meta charset="utf-8"><title>webrtc</title><script type="module" src="/page.js"></script>';
  const server = createServer((req, res) => {
    const [type, body] = req.url === '/page.js' ? ['text/javascript', script] : req.url === '/' ? ['text/html', html] : ['text/plain', ''];
    res.writeHead(body ? 200 : 404, { 'Content-Type': `${type}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  // The page is served from here, so its origin is the one the signaling server lets in.
  const signaling = createSignalingServer(undefined, { allowedOrigins: originsServedFrom(baseUrl) });
  server.on('upgrade', (req, socket, head) => signaling.handleUpgrade(req, socket, head) || socket.destroy());
  return {
    baseUrl,
    signaling,
    async close() {
      await signaling.close();
      await new Promise((done) => server.close(done));
    },
  };
}
