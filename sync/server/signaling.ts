import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from './ws-node.ts';
import { ConnectionsPerAddress } from './connections-per-address.ts';
import { keepAlive } from './heartbeat.ts';
import { OriginAllowList } from './origin-allow-list.ts';
import type { SignalingFanOut } from './signaling-fan-out.ts';
import { parseSignalingMessage } from './signaling-message.ts';
import { rejectUpgrade, upgradePath } from './upgrade-reject.ts';

export interface SignalingLimits {
  readonly maxMessageBytes: number;
  readonly maxTopicsPerConnection: number;
  readonly maxConnections: number;
  /** Open connections from one address (an IPv6 /64); more are refused with 429. */
  readonly maxConnectionsPerIp: number;
}

export const DEFAULT_SIGNALING_LIMITS: SignalingLimits = {
  maxMessageBytes: 64 * 1024,
  maxTopicsPerConnection: 256,
  maxConnections: 1000,
  maxConnectionsPerIp: 64,
};

export const SIGNALING_PATH = '/signal';
/** Protocol violations close only the offending connection, with this code. */
export const CLOSE_SIGNALING_VIOLATION = 4400;

export interface SignalingServer {
  /** True when the upgrade was for `/signal` (accepted or refused here). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  readonly connectionCount: number;
  close(): Promise<void>;
}

/**
 * y-webrtc signaling: fans `publish` out to the topic's subscribers (sender included, as
 * y-webrtc expects). It learns topic names (keyed room ids) and timing; with y-webrtc's
 * `password` set, the SDP and ICE payloads it relays are encrypted by the peers.
 */
export interface SignalingOptions {
  /** How often silent clients are looked for (tests shorten it). */
  readonly heartbeatMs?: number;
  /** Sees every frame a client sends, before it is checked (for zero-plaintext canaries). */
  readonly onFrame?: (frame: Uint8Array) => void;
  /** Origins of the web pages that may connect (origin-allow-list.ts); others get 403. */
  readonly allowedOrigins?: readonly string[];
  /** Other relay nodes' subscribers (signaling-fan-out.ts, scale-out mode); closed with the server. */
  readonly fanOut?: SignalingFanOut;
}

export function createSignalingServer(given: Partial<SignalingLimits> = {}, options: SignalingOptions = {}): SignalingServer {
  const limits: SignalingLimits = { ...DEFAULT_SIGNALING_LIMITS, ...given };
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const topics = new Map<string, Set<WebSocket>>();
  const stopHeartbeat = keepAlive(wss, options.heartbeatMs);
  const pages = new OriginAllowList(options.allowedOrigins ?? []);
  const perAddress = new ConnectionsPerAddress(limits.maxConnectionsPerIp);

  const send = (ws: WebSocket, text: string): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    // A subscriber that stops reading must not make us buffer without bound.
    if (ws.bufferedAmount > 16 * limits.maxMessageBytes) return void ws.terminate();
    ws.send(text);
  };
  const fanOut = options.fanOut;
  // From other nodes: to this topic's subscribers here, and to nobody else.
  fanOut?.onMessage((topic, text) => {
    for (const receiver of topics.get(topic) ?? []) send(receiver, text);
  });

  wss.on('connection', (ws) => {
    const mine = new Set<string>();
    let refused = false;
    const violation = (reason: string) => {
      refused = true;
      ws.close(CLOSE_SIGNALING_VIOLATION, reason);
    };
    const leave = (topic: string) => {
      mine.delete(topic);
      const set = topics.get(topic);
      set?.delete(ws);
      if (set?.size === 0) {
        topics.delete(topic);
        fanOut?.leave(topic);
      }
    };
    ws.on('close', () => [...mine].forEach(leave));
    ws.on('message', (raw: RawData) => {
      // Frames already in flight after a violation are not acted on.
      if (refused) return;
      const text = rawText(raw);
      options.onFrame?.(Buffer.from(text, 'utf8'));
      const message = parseSignalingMessage(text);
      if (!message) return violation('malformed message');
      switch (message.type) {
        case 'subscribe':
          if (new Set([...mine, ...message.topics]).size > limits.maxTopicsPerConnection) return violation('too many topics');
          for (const topic of message.topics) {
            mine.add(topic);
            const set = topics.get(topic) ?? new Set<WebSocket>();
            if (set.size === 0) fanOut?.join(topic);
            topics.set(topic, set.add(ws));
          }
          return;
        case 'unsubscribe':
          for (const topic of message.topics) leave(topic);
          return;
        case 'publish': {
          // Only members of a topic may publish to it, as y-webrtc always subscribes first.
          const receivers = mine.has(message.topic) ? topics.get(message.topic) : undefined;
          if (!receivers) return;
          const text = JSON.stringify({ type: 'publish', topic: message.topic, data: message.data, clients: receivers.size });
          for (const receiver of receivers) send(receiver, text);
          fanOut?.publish(message.topic, text);
          return;
        }
        case 'ping':
          return send(ws, JSON.stringify({ type: 'pong' }));
      }
    });
    ws.on('error', () => ws.terminate());
  });

  return {
    handleUpgrade(req, socket, head) {
      if (upgradePath(req.url) !== SIGNALING_PATH) return false;
      if (!pages.allows(req)) rejectUpgrade(socket, 403);
      else if (wss.clients.size >= limits.maxConnections) rejectUpgrade(socket, 503);
      else if (!perAddress.admit(req)) rejectUpgrade(socket, 429);
      else wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      return true;
    },
    get connectionCount() {
      return wss.clients.size;
    },
    close: () => {
      stopHeartbeat();
      for (const ws of wss.clients) ws.terminate();
      return Promise.all([new Promise<void>((resolve) => wss.close(() => resolve())), fanOut?.close()]).then(() => undefined);
    },
  };
}

function rawText(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw).toString('utf8');
}
