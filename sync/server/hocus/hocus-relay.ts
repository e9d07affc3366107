import { Hocuspocus } from '@hocuspocus/server';
import type * as WsModule from 'ws';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from '../relay/relay-limits.ts';
import { openRelayParts, relayPartsOptions } from '../relay/relay-parts.ts';
import { relayRoutes } from '../relay/relay-routes.ts';
import { RelaySocketServer } from '../relay/relay-socket-server.ts';
import type { Relay, RelayOptions } from '../relay/relay.ts';
import { upgradePath } from '../upgrade-reject.ts';
import { GatedSocket } from './gated-socket.ts';
import { HocusRooms } from './hocus-rooms.ts';
import { LevelDbRoomLog } from './room-update-log.ts';
import type { ScaleOutDocs } from './scale-out-docs.ts';

export interface HocusRelayOptions extends RelayOptions {
  /**
   * Scale-out box docs: updates and write policies in PostgreSQL, rooms shared through Redis
   * (scale-out-docs.ts), instead of LevelDB and `caps/` in the data directory. The caller
   * closes it after the relay.
   */
  readonly scaleOutDocs?: ScaleOutDocs;
}

/** One socket per device carries all its rooms: `ws://host:port/relay`, the room is each message's document name. */
export const HOCUS_RELAY_PATH = '/relay';
/** A device opens one room per notebook it holds, plus its vault's. */
const MAX_ROOMS_PER_SOCKET = 256;

/**
 * The relay on Hocuspocus (@hocuspocus/server 3.x): box docs over its protocol at `/relay`
 * (one socket, many rooms), stored in LevelDB in the data directory (or, scale-out, in
 * PostgreSQL), with the blob and policy routes, limits, Origin allow-list and write capability
 * of relay/. Hocuspocus never listens itself (its own server binds every interface):
 * our HTTP server takes the upgrade and hands Hocuspocus a gated socket (gated-socket.ts).
 */
export async function createHocusRelay(options: HocusRelayOptions): Promise<Relay> {
  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS, ...options.limits };
  const shared = options.scaleOutDocs;
  const { rooms, ledger, blobs, caps, access, pages } = await openRelayParts(
    relayPartsOptions(options, limits, shared && { caps: shared.caps, measureDocs: () => shared.log.storedBytes() }),
    (location, ledger) =>
      new HocusRooms({
        log: shared?.log ?? new LevelDbRoomLog(location),
        ...(shared ? { remoteOrigin: shared.remoteOrigin, beforeLoad: (roomId: string) => shared.caps.refresh(roomId) } : {}),
        maxDocBytes: limits.maxDocBytes,
        maxDocStructs: limits.maxDocStructs,
        maxLoadedBytes: limits.maxLoadedBytes,
        checkBoxSchema: options.checkBoxSchema ?? true,
        ledger,
      }),
  );
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  // No onStoreDocument: HocusRooms appends every update as it arrives, so nothing waits on a debounce.
  const hocuspocus = new Hocuspocus({
    quiet: true, debounce: 0, maxDebounce: 0, timeout: heartbeatMs,
    // The fan-out after the rooms: it subscribes a room once the rooms extension loaded it.
    extensions: shared ? [rooms, shared.fanOut] : [rooms],
  });
  const refreshLedger = async () => {
    if (!shared) return;
    try {
      const sharedBlobs = await options.blobStorage?.stored?.();
      ledger.addStoredRooms([...(await shared.log.storedRoomIds()), ...shared.caps.rooms, ...(sharedBlobs?.rooms ?? [])]);
      if (sharedBlobs) ledger.setBlobBytes(sharedBlobs.bytes);
      await ledger.remeasureDocs();
    } catch (error) {
      console.error(`relay: counting what the nodes store failed: ${String(error).slice(0, 120)}`);
    }
  };
  // Scale-out: the relay-wide caps count what every node stored, learnt at most one refresh late.
  const refresh = shared && setInterval(() => void refreshLedger(), shared.resyncMs);
  refresh?.unref();
  let ignoredWrites = 0;
  const sockets = new RelaySocketServer(limits, pages, heartbeatMs);

  return {
    limits,
    handleUpgrade(req, socket, head) {
      if (upgradePath(req.url) !== HOCUS_RELAY_PATH) return false;
      sockets.upgrade(req, socket, head, (ws) => {
        const gated = new GatedSocket(ws, {
          maxRoomsPerSocket: MAX_ROOMS_PER_SOCKET,
          // Room for one full frame queued behind another before a client counts as stalled.
          maxBufferedBytes: 2 * limits.maxFrameBytes,
          // More than this cannot all be stored: the room's quota and one frame past it.
          maxEarlyBytes: limits.maxDocBytes + limits.maxFrameBytes,
          prove: (roomId, token) => access.prove(roomId, token),
          mayWrite: (roomId, writePk) => access.allows(roomId, writePk),
          ignored: () => void ignoredWrites++,
          ...(options.onFrame ? { onFrame: options.onFrame } : {}),
        });
        // Hocuspocus reads and writes frames, pings and closes through the socket it is
        // given; the gate offers exactly those of ws's WebSocket (gated-socket.ts).
        hocuspocus.handleConnection(gated as unknown as WsModule.WebSocket, req, { socket: gated });
      });
      return true;
    },
    handleRequest: relayRoutes({ caps, blobs, access, ledger, pages }),
    get loadedRooms() {
      return rooms.loadedCount;
    },
    get stored() {
      return { rooms: ledger.roomCount, bytes: ledger.storedBytes };
    },
    get ignoredWrites() {
      return ignoredWrites;
    },
    async close() {
      if (refresh) clearInterval(refresh);
      await sockets.close();
      await rooms.close();
    },
  };
}
