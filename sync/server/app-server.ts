import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import { ISOLATION_HEADERS } from './isolation-headers.ts';
import { SECURITY_HEADERS } from './security-headers.ts';

/** Answers a request it owns (and returns true) or returns false to let the next one try. */
export type AppRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface AppServer {
  readonly url: string;
  readonly server: Server;
  /** Routes run before the static assets, in the order added (the relay's blob API). */
  addRoute(route: AppRoute): void;
  close(): Promise<void>;
}

export interface AppServerOptions {
  readonly distDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

/**
 * One HTTP server for the built app. The signaling server and relay attach to this same
 * `server` (WebSocket upgrades) so `npm start` is one process on one port.
 */
export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const host = options.host ?? '127.0.0.1';
  const assets = sirv(options.distDir, {
    single: true,
    etag: true,
    setHeaders(res, pathname) {
      for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
      // The service worker and the shell must revalidate so an update is picked up.
      if (pathname === '/index.html' || pathname === '/' || pathname.endsWith('sw.js')) {
        res.setHeader('Cache-Control', 'no-cache');
      }
    },
  });
  const routes: AppRoute[] = [];
  // Before routes and assets, so every answer carries them (the relay's blob API, a 404 too).
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries({ ...ISOLATION_HEADERS, ...SECURITY_HEADERS })) res.setHeader(name, value);
    if (routes.some((route) => route(req, res))) return;
    assets(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    // An IPv6 host goes in brackets, or the URL (and the origins derived from it) would not parse.
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    server,
    addRoute: (route) => void routes.push(route),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
