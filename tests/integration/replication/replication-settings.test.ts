import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { randomNotebookKey, sodiumReady } from '../../../crypto/index.ts';
import { replicateBox, type ReplicateBoxOptions } from '../../../sync/replication/replicate-box.ts';
import { ReplicationConfigError, type ReplicationConfigCode, type ReplicationSettings } from '../../../sync/replication/replication-settings.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { tempDataDir } from '../relay/relay-harness.ts';
import { nodeWrtc } from '../transport/peer-pair.ts';

const Ws = WebSocket as unknown as typeof globalThis.WebSocket;
let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;
let roomId: string;
let password: string;

beforeAll(async () => {
  await sodiumReady();
  const key = randomNotebookKey();
  roomId = deriveRoomId(key, 'nb-settings');
  password = deriveRoomPassword(key, 'nb-settings');
  data = tempDataDir();
  relay = await startRelayServer({ dataDir: data.dir, port: 0 });
});

afterAll(async () => {
  await relay.close();
  data.remove();
});

afterEach(() => vi.unstubAllGlobals());

const ok: ReplicationSettings = { signalingUrls: ['ws://127.0.0.1:1/signal'], relayUrl: 'wss://relay.example.test/relay', iceServers: [] };

/** The code replicateBox throws for these options; no provider is ever created for them. */
function refusal(overrides: Partial<Omit<ReplicateBoxOptions, 'settings'>> & { settings?: Partial<ReplicationSettings> }): ReplicationConfigCode | 'accepted' {
  try {
    replicateBox({ box: new Y.Doc(), roomId, password, wrtc: nodeWrtc, ...overrides, settings: { ...ok, ...overrides.settings } }).destroy();
    return 'accepted';
  } catch (error) {
    if (error instanceof ReplicationConfigError) return error.code;
    throw error;
  }
}

describe('replicateBox settings', () => {
  it('E_REPLICATION_NO_TRANSPORT: neither signaling nor relay', () => {
    expect(refusal({ settings: { signalingUrls: [], relayUrl: undefined } })).toBe('E_REPLICATION_NO_TRANSPORT');
  });

  it('E_REPLICATION_SIGNALING_URL: not a URL, http:, or a query riding along', () => {
    for (const url of ['not a url', 'http://127.0.0.1/signal', 'ws://127.0.0.1/signal?room=x', 'ws://user:pw@127.0.0.1/signal']) {
      expect({ url, code: refusal({ settings: { signalingUrls: [url] } }) }).toEqual({ url, code: 'E_REPLICATION_SIGNALING_URL' });
    }
  });

  it('E_REPLICATION_RELAY_URL: https: or a fragment', () => {
    expect(refusal({ settings: { relayUrl: 'https://relay.example.test/relay' } })).toBe('E_REPLICATION_RELAY_URL');
    expect(refusal({ settings: { relayUrl: 'ws://relay.example.test/relay#x' } })).toBe('E_REPLICATION_RELAY_URL');
  });

  it('E_REPLICATION_ICE_SERVER: not a list, no urls, or not stun:/turn:', () => {
    const bad = [undefined, [{ urls: [] }], [{ urls: 'https://turn.example.test' }]] as unknown as RTCIceServer[][];
    for (const iceServers of bad) expect(refusal({ settings: { iceServers } })).toBe('E_REPLICATION_ICE_SERVER');
  });

  it("E_REPLICATION_PUBLIC_DEFAULT: y-webrtc's and simple-peer's public servers, even when typed in", () => {
    expect(refusal({ settings: { signalingUrls: ['wss://signaling.yjs.dev'] } })).toBe('E_REPLICATION_PUBLIC_DEFAULT');
    expect(refusal({ settings: { iceServers: [{ urls: 'stun:stun3.l.google.com:19302' }] } })).toBe('E_REPLICATION_PUBLIC_DEFAULT');
    expect(refusal({ settings: { iceServers: [{ urls: ['stun:global.stun.twilio.com:3478'] }] } })).toBe('E_REPLICATION_PUBLIC_DEFAULT');
  });

  it('E_REPLICATION_ROOM and E_REPLICATION_PASSWORD: a readable room name, a missing or reused password', () => {
    expect(refusal({ roomId: 'my holiday notebook' })).toBe('E_REPLICATION_ROOM');
    expect(refusal({ password: '' })).toBe('E_REPLICATION_PASSWORD');
    expect(refusal({ password: roomId })).toBe('E_REPLICATION_PASSWORD');
  });

  it('E_REPLICATION_NO_WEBRTC: signaling set in Node without @roamhq/wrtc', () => {
    expect(refusal({ wrtc: undefined })).toBe('E_REPLICATION_NO_WEBRTC');
    expect(refusal({ wrtc: undefined, WebSocketPolyfill: Ws, settings: { signalingUrls: [], relayUrl: 'ws://127.0.0.1:1/relay' } })).toBe('accepted');
  });

  it('E_REPLICATION_RELAY_ENGINE: a relay engine this client does not speak', () => {
    const settings = { relayEngine: 'y-redis' } as unknown as Partial<ReplicationSettings>;
    expect(refusal({ settings })).toBe('E_REPLICATION_RELAY_ENGINE');
    expect(refusal({ WebSocketPolyfill: Ws, settings: { signalingUrls: [], relayUrl: 'ws://127.0.0.1:1/relay', relayEngine: 'hocuspocus' } })).toBe('accepted');
  });

  it('E_REPLICATION_RELAY_ENGINE: a relay of an earlier version that announces y-websocket (this client speaks Hocuspocus only)', () => {
    expect(refusal({ WebSocketPolyfill: Ws, settings: { signalingUrls: [], relayUrl: 'ws://127.0.0.1:1/relay', relayEngine: 'y-websocket' } })).toBe('E_REPLICATION_RELAY_ENGINE');
  });

  it('with both transports against the real server: relay connected, zero WebRTC peers, clean destroy', async () => {
    // y-webrtc's signaling client uses the global WebSocket, which Node 20 lacks.
    vi.stubGlobal('WebSocket', Ws);
    const replication = replicateBox({
      box: new Y.Doc(),
      roomId,
      password,
      settings: { signalingUrls: [relay.signalingUrl], relayUrl: relay.relayUrl, iceServers: [] },
      wrtc: nodeWrtc,
      WebSocketPolyfill: Ws,
    });
    expect(replication.status()).toEqual({ peers: 0, relay: 'connecting' });
    await vi.waitFor(() => expect(replication.status().relay).toBe('connected'), { timeout: 5_000 });
    expect(replication.status().peers).toBe(0);
    expect(replication.onlineDevices()).toEqual([]);
    replication.destroy();
  });
});
