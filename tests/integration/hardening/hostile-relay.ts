import type { AddressInfo } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { WebSocket, WebSocketServer, type RawData } from '../../../sync/server/ws-node.ts';

/** y-websocket message type 0 (sync) with its three steps. */
export const MESSAGE_SYNC = 0;

export function syncFrame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** A sync "update" frame carrying `update` (what a relay broadcasts). */
export const updateFrame = (update: Uint8Array): Uint8Array => syncFrame((e) => syncProtocol.writeUpdate(e, update));

/** True for a sync frame whose step is an update or step 2, i.e. one that carries box content. */
export function carriesContent(frame: Uint8Array): boolean {
  try {
    const d = decoding.createDecoder(frame);
    if (decoding.readVarUint(d) !== MESSAGE_SYNC) return false;
    const step = decoding.readVarUint(d);
    return step === syncProtocol.messageYjsSyncStep2 || step === syncProtocol.messageYjsUpdate;
  } catch {
    return false;
  }
}

/** Decides what a client gets for each frame the real relay sends it. */
export type Attack = (frame: Uint8Array, deliver: (frame: Uint8Array) => void) => void;
export const passThrough: Attack = (frame, deliver) => deliver(frame);

const bytesOf = (raw: RawData): Uint8Array =>
  Array.isArray(raw) ? new Uint8Array(Buffer.concat(raw)) : raw instanceof ArrayBuffer ? new Uint8Array(raw) : new Uint8Array(raw);

/**
 * A relay in the middle: clients connect to it as if it were the relay; it forwards to the
 * real one and applies `attack` to everything coming back. It can also speak on its own
 * (inject) or be an impostor with no upstream that serves a fixed (stale) box.
 */
export interface HostileRelay {
  readonly url: string;
  attack: Attack;
  /** Frames the relay sent that the attack saw. */
  readonly seen: Uint8Array[];
  /** Send a frame of our own to every connected client. */
  inject(frame: Uint8Array): void;
  /** Drop every client connection (they reconnect, as after a network blip). */
  dropClients(): void;
  clientCount(): number;
  close(): Promise<void>;
}

export async function startHostileRelay(upstream: string | { staleBox: Uint8Array }): Promise<HostileRelay> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((done) => server.once('listening', () => done()));
  const clients = new Set<WebSocket>();
  const relay: HostileRelay = {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    attack: passThrough,
    seen: [],
    inject: (frame) => clients.forEach((ws) => ws.readyState === WebSocket.OPEN && ws.send(frame)),
    dropClients: () => clients.forEach((ws) => ws.terminate()),
    clientCount: () => clients.size,
    close: () =>
      new Promise<void>((done) => {
        clients.forEach((ws) => ws.terminate());
        server.close(() => done());
      }),
  };
  server.on('connection', (client, request) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => client.terminate());
    const toClient = (frame: Uint8Array) => client.readyState === WebSocket.OPEN && client.send(frame);
    if (typeof upstream !== 'string') return serveStale(client, upstream.staleBox, toClient);
    const up = new WebSocket(`${upstream}${request.url ?? ''}`);
    const early: Uint8Array[] = [];
    up.on('open', () => early.splice(0).forEach((f) => up.send(f)));
    up.on('message', (raw: RawData) => {
      const frame = bytesOf(raw);
      relay.seen.push(frame);
      relay.attack(frame, toClient);
    });
    up.on('close', () => client.terminate());
    up.on('error', () => client.terminate());
    client.on('message', (raw: RawData) => {
      const frame = bytesOf(raw);
      if (up.readyState === WebSocket.OPEN) up.send(frame);
      else early.push(frame);
    });
    client.on('close', () => up.terminate());
  });
  return relay;
}

/** An impostor that answers every client from one old box state and keeps what they send to itself. */
function serveStale(client: WebSocket, staleBox: Uint8Array, send: (frame: Uint8Array) => void): void {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, staleBox);
  send(syncFrame((e) => syncProtocol.writeSyncStep1(e, doc)));
  client.on('message', (raw: RawData) => {
    const decoder = decoding.createDecoder(bytesOf(raw));
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, MESSAGE_SYNC);
    syncProtocol.readSyncMessage(decoder, reply, doc, 'client');
    if (encoding.length(reply) > 1) send(encoding.toUint8Array(reply));
  });
}
