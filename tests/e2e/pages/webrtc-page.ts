/**
 * The page of tests/e2e/webrtc-chunking.test.ts, bundled by esbuild and loaded into two
 * separate browser contexts (two devices: no shared BroadcastChannel). It drives Chromium's
 * own WebRTC through exactly the stack y-webrtc runs (simple-peer's bundle), with and
 * without our chunking, and y-webrtc itself through connectWebrtc.
 */
import SimplePeer from 'simple-peer/simplepeer.min.js';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { browserWrtc, chunkingWrtc, type WrtcImplementation } from '../../../sync/transport/chunking-wrtc.ts';
import { connectWebrtc } from '../../../sync/transport/webrtc-transport.ts';
import { isPatterned, patterned } from '../../integration/transport/patterned-bytes.ts';

export interface Received {
  readonly length: number;
  sha256: string;
  /** Date.now() at arrival: the test compares it with the sender's clock (one machine). */
  readonly at: number;
}

export interface BoxOptions {
  readonly roomId: string;
  readonly password: string;
  readonly signalingUrl: string;
  /** Entries this device writes before it connects (0 for the joining device). */
  readonly entries: number;
  readonly entryBytes: number;
  readonly chunked: boolean;
}

declare global {
  interface Window {
    webrtcPage: typeof webrtcPage;
    /** Exposed by the test: hands this peer's signal data to the other device. */
    sendSignal(json: string): Promise<void>;
  }
}

let peer: SimplePeer | null = null;
const received: Received[] = [];
const errors: string[] = [];
let box: Y.Doc | null = null;
let provider: WebrtcProvider | null = null;

function wrtc(): WrtcImplementation {
  const own = browserWrtc();
  if (!own) throw new Error('no WebRTC in this browser');
  return own;
}

const webrtcPage = {
  openPeer(initiator: boolean, chunked: boolean): void {
    const implementation = chunked ? chunkingWrtc(wrtc()) : wrtc();
    peer = new SimplePeer({ initiator, wrtc: implementation, config: { iceServers: [] } });
    peer.on('signal', (data) => void window.sendSignal(JSON.stringify(data)));
    peer.on('error', (error) => errors.push(error.message));
    peer.on('data', (data) => {
      const entry: Received = { length: data.length, sha256: '', at: Date.now() };
      received.push(entry);
      void crypto.subtle.digest('SHA-256', new Uint8Array(data)).then((d) => (entry.sha256 = hex(new Uint8Array(d))));
    });
  },
  signal(json: string): void {
    peer?.signal(JSON.parse(json) as object);
  },
  connected: (): boolean => peer?.connected ?? false,
  /** Sends patterned(size, seed); returns Date.now() before the send, or the error a send threw. */
  send(size: number, seed: number): { at: number } | { error: string } {
    const bytes = patterned(size, seed);
    const at = Date.now();
    try {
      peer?.send(bytes);
      return { at };
    } catch (error) {
      return { error: String(error) };
    }
  },
  received: () => ({ received, errors, closed: peer?.destroyed ?? true }),

  startBox(options: BoxOptions): void {
    box = new Y.Doc();
    const entries = box.getMap<Uint8Array>('entries');
    box.transact(() => {
      for (let i = 0; i < options.entries; i++) entries.set(String(i), patterned(options.entryBytes, i));
    });
    const settings = { signaling: [options.signalingUrl], password: options.password, peerOpts: { config: { iceServers: [] } } };
    provider = options.chunked
      ? connectWebrtc({ box, roomId: options.roomId, password: options.password, signalingUrls: [options.signalingUrl], iceServers: [] }).provider
      : new WebrtcProvider(options.roomId, box, settings);
  },
  /** The room is open and subscribed on every signaling server: a peer starting now will find it. */
  boxListening: (): boolean => Boolean(provider?.room) && provider!.signalingConns.every((c) => c.connected),
  boxState(): { count: number; bytes: number; connectedPeers: number } {
    const entries = box?.getMap<Uint8Array>('entries');
    let bytes = 0;
    entries?.forEach((value) => (bytes += value.length));
    const conns = provider?.room ? [...provider.room.webrtcConns.values()] : [];
    return { count: entries?.size ?? 0, bytes, connectedPeers: conns.filter((c) => c.connected).length };
  },
  /** Every entry i is exactly patterned(entryBytes, i). */
  boxIntact(count: number, entryBytes: number): boolean {
    const entries = box?.getMap<Uint8Array>('entries');
    if (entries?.size !== count) return false;
    for (let i = 0; i < count; i++) {
      const value = entries.get(String(i));
      if (!(value instanceof Uint8Array) || value.length !== entryBytes || !isPatterned(value, i)) return false;
    }
    return true;
  },
  close(): void {
    peer?.destroy();
    provider?.disconnect();
    provider?.destroy();
  },
};

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

window.webrtcPage = webrtcPage;
