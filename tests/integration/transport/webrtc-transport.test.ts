import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { asNotebookKey, randomNotebookKey, sodiumReady } from '../../../crypto/index.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { connectWebrtc, WebrtcConfigError, type WebrtcSyncOptions } from '../../../sync/transport/webrtc-transport.ts';
import { VECTOR_INPUTS as V } from '../../fixtures/crypto/vector-inputs.ts';
import { nodeWrtc } from './peer-pair.ts';

/** Stands in for the signaling WebSocket: records where y-webrtc connects, never opens. */
class RecordingWebSocket {
  static opened: RecordingWebSocket[] = [];
  closed = false;
  binaryType = 'blob';
  onopen = null;
  onclose = null;
  onmessage = null;
  onerror = null;
  constructor(readonly url: string) {
    RecordingWebSocket.opened.push(this);
  }
  send(): void {}
  close(): void {
    this.closed = true;
  }
}

let key = randomNotebookKey();
const settings = (overrides: Partial<WebrtcSyncOptions> = {}): WebrtcSyncOptions => ({
  box: new Y.Doc(),
  roomId: deriveRoomId(key, 'notebook-1'),
  password: deriveRoomPassword(key, 'notebook-1'),
  signalingUrls: ['ws://127.0.0.1:8080/signal'],
  iceServers: [{ urls: 'stun:stun.example.test:3478' }],
  wrtc: nodeWrtc,
  ...overrides,
});

beforeAll(async () => {
  await sodiumReady();
  key = randomNotebookKey();
});

afterEach(() => {
  vi.unstubAllGlobals();
  RecordingWebSocket.opened = [];
});

describe('deriveRoomId', () => {
  it('is the keyed room id of crypto\'s test vectors, so every device derives the same room', () => {
    const vectors = JSON.parse(readFileSync(new URL('../../fixtures/crypto/vectors.json', import.meta.url), 'utf8')) as {
      deterministic: { roomId: string };
    };
    expect(deriveRoomId(asNotebookKey(V.notebookKey), V.context.notebookId)).toBe(vectors.deterministic.roomId);
  });

  it('reveals neither the notebook id nor the password, and changes with the key', () => {
    const room = deriveRoomId(key, 'notebook-secret-name');
    expect(room).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(room).not.toContain('notebook');
    expect(deriveRoomPassword(key, 'notebook-secret-name')).not.toBe(room);
    expect(deriveRoomId(randomNotebookKey(), 'notebook-secret-name')).not.toBe(room);
  });
});

describe('connectWebrtc', () => {
  it('uses only our signaling URLs and ICE servers, the password, and chunked data channels', () => {
    vi.stubGlobal('WebSocket', RecordingWebSocket);
    const sync = connectWebrtc(settings());
    const { provider } = sync;
    expect(provider.roomName).toBe(deriveRoomId(key, 'notebook-1'));
    // Our server only, with the room's own connection tag (room-signaling.ts), which it ignores.
    expect(provider.signalingUrls).toEqual([expect.stringMatching(/^ws:\/\/127\.0\.0\.1:8080\/signal\?r=[0-9a-f]{24}$/)]);
    expect(RecordingWebSocket.opened.map((ws) => ws.url)).toEqual(provider.signalingUrls);
    const peerOpts = provider.peerOpts as { wrtc: typeof nodeWrtc; config: RTCConfiguration };
    expect(peerOpts.config.iceServers).toEqual([{ urls: 'stun:stun.example.test:3478' }]);
    expect(peerOpts.wrtc.RTCPeerConnection).not.toBe(nodeWrtc.RTCPeerConnection);
    sync.destroy();
    expect(RecordingWebSocket.opened.every((ws) => ws.closed)).toBe(true);
  });

  it.each([
    ['no signaling URL (y-webrtc would fall back to public servers)', { signalingUrls: [] }],
    ['an http signaling URL', { signalingUrls: ['http://127.0.0.1/signal'] }],
    ['a signaling URL that is not a URL', { signalingUrls: ['signal'] }],
    ['a notebook id as the room', { roomId: 'notebook-1' }],
    ['an empty password', { password: '' }],
    ['no WebRTC implementation outside a browser', { wrtc: undefined }],
  ] satisfies [string, Partial<WebrtcSyncOptions>][])('refuses %s (E_WEBRTC_CONFIG)', (_what, overrides) => {
    vi.stubGlobal('WebSocket', RecordingWebSocket);
    const attempt = () => connectWebrtc(settings(overrides));
    expect(attempt).toThrow(WebrtcConfigError);
    expect(RecordingWebSocket.opened).toEqual([]);
  });
});
