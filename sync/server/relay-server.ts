import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachSync, type AttachSyncOptions, type SyncServers } from './attach-sync.ts';
import { ISOLATION_HEADERS } from './isolation-headers.ts';
import type { RelayLimits } from './relay/relay-limits.ts';
import type { RelayOptions } from './relay/relay.ts';
import type { SignalingLimits } from './signaling.ts';

export interface RelayServerOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly limits?: Partial<RelayLimits>;
  readonly signalingLimits?: Partial<SignalingLimits>;
  readonly heartbeatMs?: number;
  readonly observeFrames?: AttachSyncOptions['observeFrames'];
  /** Origins of app pages (served elsewhere) that may use this relay; see origin-allow-list.ts. */
  readonly allowedOrigins?: readonly string[];
  /** See RelayOptions.checkBoxSchema (only a benchmark of a plain doc turns it off). */
  readonly checkBoxSchema?: boolean;
  /** See RelayOptions.requireWriteCapability (true unless a test or bench asks for a baseline without it). */
  readonly requireWriteCapability?: boolean;
  /** See AttachSyncOptions.signalingRedisUrl. */
  readonly signalingRedisUrl?: string;
  /** See RelayOptions.blobStorage. */
  readonly blobStorage?: RelayOptions['blobStorage'];
  /** See AttachSyncOptions.scaleOutDocs. */
  readonly scaleOutDocs?: AttachSyncOptions['scaleOutDocs'];
}

export interface RelayServer extends SyncServers {
  readonly url: string;
}

/**
 * Signaling and relay without the app (`npm run relay`), e.g. on a small always-on host
 * that the app on a laptop points at. Tests start this same server in-process.
 */
export async function startRelayServer(options: RelayServerOptions): Promise<RelayServer> {
  const host = options.host ?? '127.0.0.1';
  const routes: ((req: IncomingMessage, res: ServerResponse) => boolean)[] = [];
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (routes.some((route) => route(req, res))) return;
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  const sync = await attachSync({
    server,
    baseUrl: url,
    addRoute: (route) => void routes.push(route),
    dataDir: options.dataDir,
    limits: options.limits,
    signalingLimits: options.signalingLimits,
    heartbeatMs: options.heartbeatMs,
    observeFrames: options.observeFrames,
    allowedOrigins: options.allowedOrigins,
    checkBoxSchema: options.checkBoxSchema,
    requireWriteCapability: options.requireWriteCapability,
    signalingRedisUrl: options.signalingRedisUrl,
    blobStorage: options.blobStorage,
    scaleOutDocs: options.scaleOutDocs,
  });
  return {
    ...sync,
    url,
    async close() {
      await sync.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
