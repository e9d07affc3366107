import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { randomNotebookKey } from '../../../crypto/index.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { replicateWithRetry } from '../../../sync/vault/vault-sync-glare.ts';
import { nodeWrtc } from '../transport/peer-pair.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

/** y-webrtc's own signaling encryption (not exported by the package; loaded by path). */
interface YWebrtcCrypto {
  deriveKey(secret: string, roomName: string): Promise<CryptoKey>;
  encryptJson(data: unknown, key: CryptoKey): Promise<Uint8Array>;
  decryptJson(data: Uint8Array, key: CryptoKey): Promise<unknown>;
}
const require = createRequire(import.meta.url);
const yCrypto = (await import(pathToFileURL(join(dirname(require.resolve('y-webrtc')), '..', 'src', 'crypto.js')).href)) as YWebrtcCrypto;

const relay = relayForSuite({ globalWebSocket: true });

/**
 * A peer that knows the room password, answers every announce with its own and then never
 * answers an offer: the provider keeps a connection that never syncs, which is what y-webrtc's
 * glare leaves behind, made to happen every time.
 */
async function silentPeer(roomId: string, password: string): Promise<{ announcesSeen: () => number; close: () => void }> {
  const key = await yCrypto.deriveKey(password, roomId);
  const ws = new WebSocket(relay.signalingUrl);
  let seen = 0;
  const publish = async (message: unknown) => {
    const sealed = await yCrypto.encryptJson(message, key);
    ws.send(JSON.stringify({ type: 'publish', topic: roomId, data: Buffer.from(sealed).toString('base64') }));
  };
  ws.on('message', (raw) => {
    const frame = JSON.parse(String(raw)) as { type?: string; topic?: string; data?: string };
    if (frame.type !== 'publish' || frame.topic !== roomId || typeof frame.data !== 'string') return;
    void yCrypto.decryptJson(new Uint8Array(Buffer.from(frame.data, 'base64')), key).then((message) => {
      const m = message as { type?: string; from?: string };
      if (m.type !== 'announce' || m.from === 'silent-peer') return;
      seen++;
      void publish({ type: 'announce', from: 'silent-peer' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'subscribe', topics: [roomId] }));
  return { announcesSeen: () => seen, close: () => ws.close() };
}

describe('y-webrtc glare retry', () => {
  it('a peer announced but never synced makes the provider reconnect and announce again; destroy stops the watchdog', async () => {
    const notebookKey = randomNotebookKey();
    const roomId = deriveRoomId(notebookKey, 'nb-glare');
    const password = deriveRoomPassword(notebookKey, 'nb-glare');
    const peer = await silentPeer(roomId, password);
    let retries = 0;
    let stalledAtRetry = false;
    const replication = replicateWithRetry(
      { box: new Y.Doc(), roomId, password, settings: { signalingUrls: [relay.signalingUrl], iceServers: [] }, wrtc: nodeWrtc },
      {
        stallMs: 300,
        checkMs: 50,
        onRetry: () => {
          retries++;
          stalledAtRetry = replication.webrtcStalled();
        },
      },
    );
    try {
      await vi.waitFor(() => expect(replication.webrtcStalled()).toBe(true), { timeout: 10_000 });
      await vi.waitFor(() => expect(retries).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
      expect(stalledAtRetry).toBe(true);
      // The reconnect announced this device again, to which the silent peer answered again.
      await vi.waitFor(() => expect(peer.announcesSeen()).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    } finally {
      replication.destroy();
      peer.close();
    }
    const after = retries;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(retries).toBe(after);
  }, 30_000);
});
