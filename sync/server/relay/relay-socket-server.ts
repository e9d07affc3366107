import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ConnectionsPerAddress } from '../connections-per-address.ts';
import { keepAlive } from '../heartbeat.ts';
import type { OriginAllowList } from '../origin-allow-list.ts';
import { rejectUpgrade } from '../upgrade-reject.ts';
import { WebSocketServer, type WebSocket } from '../ws-node.ts';
import type { RelayLimits } from './relay-limits.ts';
import { closeSockets } from './relay-routes.ts';

/**
 * The relay's WebSocket side that both engines share (relay.ts, hocus/hocus-relay.ts): who
 * gets a socket, the heartbeat, the frame limit, and the shutdown. Admission, in this order: a
 * page from another origin 403, the engine's own refusal (e.g. 404 for a path that names no
 * room), the relay at `maxConnections` 503, the address (or IPv6 /64) at its cap 429.
 */
export class RelaySocketServer {
  readonly #wss: WebSocketServer;
  readonly #stopHeartbeat: () => void;
  readonly #perAddress: ConnectionsPerAddress;
  readonly #limits: RelayLimits;
  readonly #pages: OriginAllowList;

  constructor(limits: RelayLimits, pages: OriginAllowList, heartbeatMs?: number) {
    this.#limits = limits;
    this.#pages = pages;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });
    this.#stopHeartbeat = keepAlive(this.#wss, heartbeatMs);
    this.#perAddress = new ConnectionsPerAddress(limits.maxConnectionsPerIp);
  }

  /** Upgrades `req` and hands the socket to `serve`, or answers the refusal's status and closes. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, serve: (ws: WebSocket) => void, refusal?: number): void {
    if (!this.#pages.allows(req)) rejectUpgrade(socket, 403);
    else if (refusal !== undefined) rejectUpgrade(socket, refusal);
    else if (this.#wss.clients.size >= this.#limits.maxConnections) rejectUpgrade(socket, 503);
    else if (!this.#perAddress.admit(req)) rejectUpgrade(socket, 429);
    else {
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        // 'connection' is what the heartbeat listens to; noServer mode does not emit it.
        this.#wss.emit('connection', ws, req);
        serve(ws);
      });
    }
  }

  /** Stops the heartbeat and closes every socket (1001). */
  async close(): Promise<void> {
    this.#stopHeartbeat();
    await closeSockets(this.#wss);
  }
}
