import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { randomNotebookKey } from '../../../crypto/index.ts';
import { replicateBox, type Replication } from '../../../sync/replication/replicate-box.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { nodeWrtc } from '../transport/peer-pair.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const frames: string[] = [];
const relay = relayForSuite({ observeFrames: (server, frame) => void (server === 'signaling' && frames.push(Buffer.from(frame).toString('utf8'))), globalWebSocket: true });

/**
 * Issue 12 §7: y-webrtc shares one signaling connection across every room of a page and
 * subscribes it to all of them, so the signaling server learns which notebooks (and the
 * vault room) one device holds. Each room must signal over its own connection, and no
 * connection may name more than one room.
 */
describe('signaling: one connection per room', () => {
  it('three rooms of one device open three signaling connections, each subscribed to its own room only, before and after a reconnect', async () => {
    const rooms = ['nb-a', 'nb-b', 'vault'].map((name) => {
      const key = randomNotebookKey();
      return { roomId: deriveRoomId(key, name), password: deriveRoomPassword(key, name) };
    });
    const replications: Replication[] = rooms.map(({ roomId, password }) =>
      replicateBox({ box: new Y.Doc(), roomId, password, settings: { signalingUrls: [relay.signalingUrl], iceServers: [] }, wrtc: nodeWrtc }),
    );
    try {
      const subscribed = (): string[][] =>
        frames.map((f) => JSON.parse(f) as { type: string; topics?: string[] }).filter((m) => m.type === 'subscribe').map((m) => m.topics ?? []);
      await vi.waitFor(() => expect(relay.signaling.connectionCount).toBe(3));
      await vi.waitFor(() => expect(new Set(subscribed().flat())).toEqual(new Set(rooms.map((r) => r.roomId))));
      replications[0]?.reconnectPeers();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await vi.waitFor(() => expect(relay.signaling.connectionCount).toBe(3));
      expect(subscribed().filter((topics) => topics.length !== 1)).toEqual([]);
      const published = frames.map((f) => JSON.parse(f) as { type: string; topic?: string }).filter((m) => m.type === 'publish');
      expect(published.length).toBeGreaterThan(0);
    } finally {
      for (const replication of replications) replication.destroy();
    }
  });
});
