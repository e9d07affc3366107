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

/** `GET /relay-engine`: which relay serves box docs here, so a client picks its protocol (RELAY.md "Two engines"). */
export const RELAY_ENGINE_PATH = '/relay-engine';

export interface RelayRouteParts {
  /** Announced at RELAY_ENGINE_PATH. */
  readonly engine: 'y-websocket' | 'hocuspocus';
  readonly caps: RoomPolicies;
  readonly blobs: BlobStorage;
  readonly access: WriteAccess;
  readonly ledger: StorageLedger;
  readonly pages: OriginAllowList;
}

/**
 * The relay's HTTP routes, the same whichever engine serves box docs: `/relay-caps/<roomId>`
 * and `/relay-blobs/<roomId>/<hash>`. True when the request was for one of them (answered).
 */
export function relayRoutes({ engine, caps, blobs, access, ledger, pages }: RelayRouteParts): (req: IncomingMessage, res: ServerResponse) => boolean {
  const fromPage = (req: IncomingMessage) => (pages.allows(req) ? undefined : { status: 403, message: 'this page may not write to the relay' });
  return (req, res) =>
    announceEngine(engine, req, res) ||
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

/** Answers `GET /relay-engine` with the engine's name: public, as the upgrade path already tells it. */
function announceEngine(engine: RelayRouteParts['engine'], req: IncomingMessage, res: ServerResponse): boolean {
  if ((req.url ?? '').split('?')[0] !== RELAY_ENGINE_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : engine);
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
