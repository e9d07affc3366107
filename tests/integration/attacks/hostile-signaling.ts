import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import SimplePeer, { type SignalData } from 'simple-peer/simplepeer.min.js';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import type { WrtcImplementation } from '../../../sync/transport/chunking-wrtc.ts';
import { afterTest } from './hostile-peer.ts';

/** y-webrtc's own signaling encryption (not exported by the package; loaded by path). */
interface YWebrtcCrypto {
  deriveKey(secret: string, roomName: string): Promise<CryptoKey>;
  encryptJson(data: unknown, key: CryptoKey): Promise<Uint8Array>;
  decryptJson(data: Uint8Array, key: CryptoKey): Promise<unknown>;
}
const require = createRequire(import.meta.url);
const yCrypto = (await import(pathToFileURL(join(dirname(require.resolve('y-webrtc')), '..', 'src', 'crypto.js')).href)) as YWebrtcCrypto;

interface RoomMessage {
  readonly type?: string;
  readonly from?: string;
  readonly to?: string;
  readonly signal?: unknown;
}

/**
 * Someone who holds a room's y-webrtc password (a removed member, an old link's holder)
 * on the real signaling server, speaking y-webrtc's signaling protocol itself: it learns
 * the victim's peer id from its announce and makes it offers under any peer ids it likes,
 * each a real simple-peer connection (the build y-webrtc runs) with the given WebRTC.
 */
export interface SignalingPeer {
  /** The victim's y-webrtc peer id, once it announced. */
  victimId(): Promise<string>;
  /** Offers a connection to the victim as `peerId`; `connected` settles when (if) it is up. */
  offer(peerId: string, wrtc: WrtcImplementation): { peer: SimplePeer; connected: Promise<void> };
  /** Publishes one signal to the victim as `peerId`, with nothing behind it. */
  signal(peerId: string, signal: object): Promise<void>;
  close(): void;
}

export async function signalingPeer(signalingUrl: string, roomId: string, password: string): Promise<SignalingPeer> {
  const key = await yCrypto.deriveKey(password, roomId);
  const ws = new WebSocket(signalingUrl);
  const peers = new Map<string, SimplePeer>();
  let announced: (id: string) => void = () => {};
  const victim = new Promise<string>((resolve) => (announced = resolve));
  const publish = async (message: RoomMessage & { token?: number }) => {
    const sealed = await yCrypto.encryptJson(message, key);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'publish', topic: roomId, data: Buffer.from(sealed).toString('base64') }));
  };
  ws.on('message', (raw) => {
    const frame = JSON.parse(String(raw)) as { type?: string; topic?: string; data?: string };
    if (frame.type !== 'publish' || frame.topic !== roomId || typeof frame.data !== 'string') return;
    void yCrypto.decryptJson(new Uint8Array(Buffer.from(frame.data, 'base64')), key).then((message) => {
      const m = message as RoomMessage;
      if (m.type === 'announce' && typeof m.from === 'string' && !peers.has(m.from)) announced(m.from);
      const peer = m.type === 'signal' && typeof m.to === 'string' ? peers.get(m.to) : undefined;
      if (peer && !peer.destroyed) peer.signal(m.signal as SignalData);
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'subscribe', topics: [roomId] }));
  const close = () => {
    peers.forEach((peer) => peer.destroy());
    ws.close();
  };
  afterTest(close);
  return {
    victimId: () => victim,
    offer(peerId, wrtc) {
      const peer = new SimplePeer({ initiator: true, wrtc, config: { iceServers: [] } });
      peers.set(peerId, peer);
      // A dropped peer must not fail the test process.
      peer.on('error', () => {});
      const token = Date.now() + Math.random();
      peer.on('signal', (signal) => void victim.then((to) => publish({ type: 'signal', from: peerId, to, token, signal })));
      const connected = new Promise<void>((resolve, reject) => {
        peer.once('connect', resolve);
        peer.once('close', () => reject(new Error(`${peerId} closed before it connected`)));
      });
      connected.catch(() => {});
      return { peer, connected };
    },
    signal: async (peerId, signal) => publish({ type: 'signal', from: peerId, to: await victim, token: Date.now(), signal }),
    close,
  };
}
