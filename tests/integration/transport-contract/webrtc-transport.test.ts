import { afterAll, beforeAll, describe, vi } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { webrtcBoxTransport, type WebrtcConnection, type WebrtcRoom } from '../../../sync/replication/webrtc-box-transport.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { nodeWrtc } from '../../helpers/node-wrtc.ts';
import { tempDataDir } from '../relay/relay-harness.ts';
import { boxTransportContract, type ContractFixture } from './box-transport-contract.ts';
import { startPeerProcess, type PeerProcess } from './webrtc-peer-process.ts';

/**
 * y-webrtc over the real signaling server (the one `npm start` serves) and @roamhq/wrtc. The
 * second device of each room runs in its own process (webrtc-peer-device.ts): y-webrtc keeps
 * one provider per room per process. Skipped here, with the reason the suite prints: the
 * no-echo case (y-webrtc passes peers' updates on to its other peers on purpose) and write
 * tokens (peers have none). After a frame it cannot read, syncing goes on with a third device:
 * the peer that sent it is dropped for good (`garbageDropsPeer`).
 */
function webrtcFixture(): () => ContractFixture<WebrtcRoom, WebrtcConnection> {
  let data: ReturnType<typeof tempDataDir> | undefined;
  let server: RelayServer | undefined;
  const peers = new Map<string, PeerProcess>();
  beforeAll(async () => {
    await sodiumReady();
    data = tempDataDir();
    server = await startRelayServer({ dataDir: data.dir, port: 0 });
    // y-webrtc's signaling client uses the global WebSocket, which Node 20 lacks.
    vi.stubGlobal('WebSocket', WebSocket);
  });
  afterAll(async () => {
    vi.unstubAllGlobals();
    await server?.close();
    data?.remove();
  });
  return () => {
    if (!server) throw new Error('the signaling server starts in beforeAll');
    const signalingUrl = server.signalingUrl;
    return {
      name: 'WebRTC (y-webrtc)',
      gossips: true,
      garbageClosesSocket: false,
      // A peer whose message is refused is dropped (peer-message-check.ts) and not called again.
      garbageDropsPeer: true,
      transport: () => webrtcBoxTransport({ signalingUrls: [signalingUrl], iceServers: [], wrtc: nodeWrtc }),
      room: (base, room) => ({ room: { ...base, password: room.password } }),
      async peerProcess(room) {
        const started = await startPeerProcess(signalingUrl, room);
        peers.set(room.roomId, started);
        return {
          ...started,
          async destroy() {
            peers.delete(room.roomId);
            await started.destroy();
          },
        };
      },
      async sendGarbage(room) {
        const sent = await peers.get(room.roomId)?.garbage();
        if (!sent) throw new Error('no peer connected to send garbage from');
      },
    };
  };
}

describe('WebRTC transport (y-webrtc, real signaling, the second device in its own process)', () => {
  boxTransportContract(webrtcFixture());
});
