import type { AddressInfo } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebSocket, WebSocketServer, type RawData } from '../../../sync/server/ws-node.ts';
import { withRoom } from '../relay/room-socket.ts';

/** y-protocols message type 0 (sync) with its three steps; Hocuspocus puts the room (document name) first. */
export const MESSAGE_SYNC = 0;
/** Hocuspocus's answer to a client's sync step 1 (the same payload as a sync message). */
const MESSAGE_SYNC_REPLY = 4;

/** A sync message of `room`: the room, type 0, then what `write` adds (a step and its payload). */
export function syncFrame(room: string, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  write(encoder);
  return withRoom(room, encoding.toUint8Array(encoder));
}

/** A sync "update" message of `room` carrying `update` (what a relay broadcasts). */
export const updateFrame = (room: string, update: Uint8Array): Uint8Array => syncFrame(room, (e) => syncProtocol.writeUpdate(e, update));

/** True for a sync message whose step is an update or step 2, i.e. one that carries box content. */
export function carriesContent(frame: Uint8Array): boolean {
  try {
    const d = decoding.createDecoder(frame);
    decoding.readVarString(d);
    const type = decoding.readVarUint(d);
    if (type !== MESSAGE_SYNC && type !== MESSAGE_SYNC_REPLY) return false;
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
 * A relay in the middle: clients connect to it as if it were the relay (`url`, a Hocuspocus
 * socket path); it forwards to the real one and applies `attack` to every message coming back.
 * It can also speak on its own (inject).
 */
export interface HostileRelay {
  /** `ws://127.0.0.1:PORT/relay`. */
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

/** `upstream`: the real relay's `ws://HOST/relay`. */
export async function startHostileRelay(upstream: string): Promise<HostileRelay> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((done) => server.once('listening', () => done()));
  const clients = new Set<WebSocket>();
  const relay: HostileRelay = {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/relay`,
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
    const up = new WebSocket(new URL(request.url ?? '/relay', upstream).toString());
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
