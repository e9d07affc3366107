import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from '../ws-node.ts';
import { ConnectionsPerAddress } from '../connections-per-address.ts';
import { keepAlive } from '../heartbeat.ts';
import { rejectUpgrade, upgradePath } from '../upgrade-reject.ts';
import type { BlobStorage } from './blob-storage.ts';
import { DEFAULT_RELAY_LIMITS, isRoomId, type RelayLimits } from './relay-limits.ts';
import { openRelayParts, relayPartsOptions } from './relay-parts.ts';
import { closeSockets, relayRoutes } from './relay-routes.ts';
import { RelayRooms } from './relay-rooms.ts';
import { serveRelaySocket } from './relay-socket.ts';
import { tokenInUrl } from './write-access.ts';

export const RELAY_PATH_PREFIX = '/relay/';

export interface RelayOptions {
  /** Holds `docs/` (LevelDB) and `blobs/<roomId>/<hash>`. */
  readonly dataDir: string;
  readonly limits?: Partial<RelayLimits>;
  /** How often silent clients are looked for (tests shorten it). */
  readonly heartbeatMs?: number;
  /** Sees every frame a client sends, before it is checked (for zero-plaintext canaries). */
  readonly onFrame?: (frame: Uint8Array) => void;
  /**
   * Origins of the web pages that may open relay sockets and PUT blobs (origin-allow-list.ts);
   * a browser request from any other page gets 403. Requests without `Origin` pass.
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Refuse (4400) updates that are not box-shaped (sync/sealed/box-schema.ts). Default true;
   * `npm run bench -- sync` turns it off to send a plain notebook doc as its baseline.
   */
  readonly checkBoxSchema?: boolean;
  /**
   * Only connections and uploads that prove the room's write key may write (write-access.ts);
   * the others are read-only. Always on, but for benches that measure a baseline without it.
   */
  readonly requireWriteCapability?: boolean;
  /**
   * Scale-out: blobs live here (s3-blob-store.ts), shared by every node, with their quota kept
   * there; the disk store and this node's byte ledger then hold docs only. Default: the disk.
   */
  readonly blobStorage?: BlobStorage;
}

export interface Relay {
  /** True when the upgrade was for `/relay/...` (accepted or refused here). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** True when the request was for `/relay-blobs/...` or `/relay-caps/...` (answered here). */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  readonly limits: RelayLimits;
  readonly loadedRooms: number;
  /** Rooms with anything stored, and their bytes together (docs and blobs). */
  readonly stored: { readonly rooms: number; readonly bytes: number };
  /** Update and awareness frames dropped because their connection may not write. */
  readonly ignoredWrites: number;
  /** Closes every relay socket, writes what is pending and closes LevelDB. */
  close(): Promise<void>;
}

/**
 * Store and forward for box docs (the y-websocket protocol over `/relay/<roomId>`, kept
 * in LevelDB) and encrypted blobs (`/relay-blobs/<roomId>/<hash>`). It holds ciphertext
 * only; what it learns is room ids, sizes and timing (RELAY.md).
 */
export async function createRelay(options: RelayOptions): Promise<Relay> {
  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS, ...options.limits };
  const { rooms, ledger, blobs, caps, access, pages } = await openRelayParts(
    relayPartsOptions(options, limits),
    (location, ledger) =>
      new RelayRooms({
        location,
        maxDocBytes: limits.maxDocBytes,
        maxDocStructs: limits.maxDocStructs,
        maxLoadedBytes: limits.maxLoadedBytes,
        // Room for one full frame queued behind another before a client counts as stalled.
        maxBufferedBytes: 2 * limits.maxFrameBytes,
        checkBoxSchema: options.checkBoxSchema ?? true,
        ledger,
      }),
  );
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });
  const stopHeartbeat = keepAlive(wss, options.heartbeatMs);
  const perAddress = new ConnectionsPerAddress(limits.maxConnectionsPerIp);

  return {
    limits,
    handleUpgrade(req, socket, head) {
      const path = upgradePath(req.url);
      if (!path?.startsWith(RELAY_PATH_PREFIX)) return false;
      const roomId = path.slice(RELAY_PATH_PREFIX.length);
      if (!pages.allows(req)) rejectUpgrade(socket, 403);
      else if (!isRoomId(roomId)) rejectUpgrade(socket, 404);
      else if (wss.clients.size >= limits.maxConnections) rejectUpgrade(socket, 503);
      else if (!perAddress.admit(req)) rejectUpgrade(socket, 429);
      else {
        // Proven once, when the socket opens; whether the key is still the room's, at every write.
        const proven = access.prove(roomId, tokenInUrl(req.url));
        wss.handleUpgrade(req, socket, head, (ws) => {
          // 'connection' is what the heartbeat listens to; noServer mode does not emit it.
          wss.emit('connection', ws, req);
          serveRelaySocket(ws, roomId, rooms, () => access.allows(roomId, proven), options.onFrame);
        });
      }
      return true;
    },
    handleRequest: relayRoutes({ engine: 'y-websocket', caps, blobs, access, ledger, pages }),
    get loadedRooms() {
      return rooms.loadedCount;
    },
    get stored() {
      return { rooms: ledger.roomCount, bytes: ledger.storedBytes };
    },
    get ignoredWrites() {
      return rooms.ignoredWrites;
    },
    async close() {
      stopHeartbeat();
      await closeSockets(wss);
      await rooms.close();
    },
  };
}
