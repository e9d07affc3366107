import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocketServer } from '../ws-node.ts';
import { handleBlobRequest } from './blob-route.ts';
import type { BlobStorage } from './blob-storage.ts';
import { handleCapsRequest } from './caps-route.ts';
import { CLOSE_SHUTDOWN } from './relay-limits.ts';
import type { RoomPolicies } from './room-caps.ts';
import type { StorageLedger } from './storage-ledger.ts';
import type { WriteAccess } from './write-access.ts';
import type { OriginAllowList } from '../origin-allow-list.ts';

/**
 * `GET /relay-engine`: which relay serves box docs here (RELAY.md "Which relay a client
 * speaks to"). Always `hocuspocus` now; a client that reads anything else is on a relay it
 * cannot speak to (the y-websocket relay of earlier versions announced `y-websocket`).
 */
export const RELAY_ENGINE_PATH = '/relay-engine';
export const RELAY_ENGINE = 'hocuspocus';

export interface RelayRouteParts {
  readonly caps: RoomPolicies;
  readonly blobs: BlobStorage;
  readonly access: WriteAccess;
  readonly ledger: StorageLedger;
  readonly pages: OriginAllowList;
}

/**
 * The relay's HTTP routes: `/relay-engine`, `/relay-caps/<roomId>` and
 * `/relay-blobs/<roomId>/<hash>`. True when the request was for one of them (answered).
 */
export function relayRoutes({ caps, blobs, access, ledger, pages }: RelayRouteParts): (req: IncomingMessage, res: ServerResponse) => boolean {
  const fromPage = (req: IncomingMessage) => (pages.allows(req) ? undefined : { status: 403, message: 'this page may not write to the relay' });
  return (req, res) =>
    announceEngine(req, res) ||
    handleCapsRequest(caps, fromPage, (roomId) => ledger.claimRoom(roomId), req, res) ||
    handleBlobRequest(blobs, (put, roomId) => {
      const header = put.headers['obscura-cap'];
      const proven = access.prove(roomId, typeof header === 'string' ? header : undefined);
      // In this order: a refused upload must not claim a room.
      return fromPage(put) ??
        (access.allows(roomId, proven) ? undefined : { status: 403, message: "uploading needs this room's write capability (Obscura-Cap)" }) ??
        (ledger.claimRoom(roomId) ? undefined : { status: 507, message: 'the relay holds as many rooms as it may' });
    }, req, res);
}

/** Answers `GET /relay-engine` with the engine's name: public, as the protocol on `/relay` already tells it. */
function announceEngine(req: IncomingMessage, res: ServerResponse): boolean {
  if ((req.url ?? '').split('?')[0] !== RELAY_ENGINE_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : RELAY_ENGINE);
  return true;
}

/** Closes every socket of `wss` (1001) and then `wss`; a client that does not finish the closing handshake is cut after 1 s. */
export async function closeSockets(wss: WebSocketServer): Promise<void> {
  const closed = [...wss.clients].map((ws) => new Promise((resolve) => ws.once('close', resolve)));
  for (const ws of wss.clients) ws.close(CLOSE_SHUTDOWN, 'relay shutting down');
  const timer = setTimeout(() => [...wss.clients].forEach((ws) => ws.terminate()), 1000);
  await Promise.all(closed);
  clearTimeout(timer);
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
