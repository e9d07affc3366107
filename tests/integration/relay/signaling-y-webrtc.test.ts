import { describe, expect, it } from 'vitest';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { deriveId, randomBytes } from '../../../crypto/index.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { opened } from './relay-harness.ts';
import { relayForSuite } from './relay-for-suite.ts';

const relay = relayForSuite({ globalWebSocket: true });

describe('signaling with the real y-webrtc client', () => {
  it("accepts y-webrtc's subscribe and password-sealed announce, and fans the announce out as base64", async () => {
    const room = deriveId(randomBytes(32), 'room', 'nb-signal');
    const listener = new WebSocket(relay.signalingUrl);
    await opened(listener);
    const messages: unknown[] = [];
    const announced = new Promise<void>((resolve) => {
      listener.on('message', (raw: Buffer) => {
        messages.push(JSON.parse(raw.toString('utf8')));
        if (messages.length === 2) resolve();
      });
    });
    listener.send(JSON.stringify({ type: 'subscribe', topics: [room] }));
    listener.send(JSON.stringify({ type: 'ping' }));

    const provider = new WebrtcProvider(room, new Y.Doc(), {
      signaling: [relay.signalingUrl],
      password: deriveId(randomBytes(32), 'room-password', 'nb-signal'),
      peerOpts: { config: { iceServers: [] } },
    });
    // Had the server refused y-webrtc's subscribe or publish, no announce would come.
    await announced;
    const [pong, announce] = messages as [unknown, { type: string; topic: string; data: unknown; clients: number }];
    expect(pong).toEqual({ type: 'pong' });
    expect({ ...announce, data: typeof announce.data }).toEqual({ type: 'publish', topic: room, data: 'string', clients: 2 });
    // Sealed by the password: the peer id y-webrtc announces is not readable.
    expect(Buffer.from(announce.data as string, 'base64').toString('latin1')).not.toContain(provider.room?.peerId ?? '?');
    expect(relay.signaling.connectionCount).toBe(2);
    // destroy() alone would leave y-webrtc's signaling socket reconnecting forever.
    provider.disconnect();
    provider.destroy();
    listener.close();
  });
});
