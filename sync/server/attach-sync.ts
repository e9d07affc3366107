import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHocusRelay, HOCUS_RELAY_PATH } from './hocus/hocus-relay.ts';
import type { ScaleOutDocs } from './hocus/scale-out-docs.ts';
import type { Relay, RelayOptions } from './relay/relay.ts';
import { originsServedFrom } from './origin-allow-list.ts';
import { createSignalingServer, DEFAULT_SIGNALING_LIMITS, SIGNALING_PATH, type SignalingLimits, type SignalingServer } from './signaling.ts';
import { redisSignalingFanOut } from './signaling-fan-out.ts';
import { rejectUpgrade } from './upgrade-reject.ts';

export interface SyncServers {
  readonly signaling: SignalingServer;
  /** The origins whose pages may use both servers (printed at start). */
  readonly allowedOrigins: readonly string[];
  readonly relay: Relay;
  /** `ws://host:port/signal`, for y-webrtc's `signaling` option. */
  readonly signalingUrl: string;
  /** `ws://host:port/relay`: the one socket of the Hocuspocus provider (the room is each message's document name). */
  readonly relayUrl: string;
  /** `http://host:port/relay-blobs`, to which `/<roomId>/<hash>` is appended. */
  readonly blobsUrl: string;
  /** Closes both; call before closing the HTTP server, whose close waits for open sockets. */
  close(): Promise<void>;
}

export interface AttachSyncOptions extends Omit<RelayOptions, 'onFrame'> {
  /** The HTTP server the WebSocket upgrades arrive on. */
  readonly server: Server;
  /** Its base URL, `http://host:port/`. */
  readonly baseUrl: string;
  /** Where to register the blob route so it runs before anything else answers. */
  readonly addRoute: (route: (req: IncomingMessage, res: ServerResponse) => boolean) => void;
  readonly signalingLimits?: Partial<SignalingLimits>;
  /** Every frame clients send to either server, by server (tests look for plaintext in them). */
  readonly observeFrames?: (server: 'signaling' | 'relay', frame: Uint8Array) => void;
  /** Pages on these origins may use both servers too, besides the ones `baseUrl` serves. */
  readonly allowedOrigins?: readonly string[];
  /** Scale-out: share signaling topics with every node on this Redis (`--redis URL`). */
  readonly signalingRedisUrl?: string;
  /** Scale-out box docs (hocus/scale-out-docs.ts): updates in PostgreSQL, rooms shared through Redis. */
  readonly scaleOutDocs?: ScaleOutDocs;
}

/**
 * Puts the signaling server and the relay on an existing HTTP server, so the app, the
 * signaling and the relay share one origin (no CORS) and one port. One upgrade listener
 * routes by path; an upgrade for any other path is refused rather than left hanging.
 * Browser pages are let in only from the origin the app is served from (and `allowedOrigins`).
 */
export async function attachSync(options: AttachSyncOptions): Promise<SyncServers> {
  const observe = options.observeFrames;
  const allowedOrigins = [...originsServedFrom(options.baseUrl), ...(options.allowedOrigins ?? [])];
  const signaling = createSignalingServer(options.signalingLimits, {
    heartbeatMs: options.heartbeatMs,
    onFrame: observe && ((frame) => observe('signaling', frame)),
    allowedOrigins,
    ...(options.signalingRedisUrl === undefined ? {} : {
      fanOut: redisSignalingFanOut(options.signalingRedisUrl, options.signalingLimits?.maxMessageBytes ?? DEFAULT_SIGNALING_LIMITS.maxMessageBytes),
    }),
  });
  const relay = await createHocusRelay({ ...options, allowedOrigins, onFrame: observe && ((frame) => observe('relay', frame)) });
  options.addRoute(relay.handleRequest);
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (signaling.handleUpgrade(req, socket, head) || relay.handleUpgrade(req, socket, head)) return;
    rejectUpgrade(socket, 404);
  };
  options.server.on('upgrade', onUpgrade);
  const ws = new URL(options.baseUrl);
  ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
  const at = (base: URL, path: string) => new URL(path, base).toString();
  return {
    signaling,
    relay,
    allowedOrigins,
    signalingUrl: at(ws, SIGNALING_PATH),
    relayUrl: at(ws, HOCUS_RELAY_PATH),
    blobsUrl: at(new URL(options.baseUrl), '/relay-blobs'),
    async close() {
      options.server.off('upgrade', onUpgrade);
      await Promise.all([signaling.close(), relay.close()]);
    },
  };
}
