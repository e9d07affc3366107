import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { RoomSocket, startRelay } from './room-socket.ts';
import { tempDataDir } from './relay-harness.ts';

const ROOM = 'heartbeat-room-0123456789';
let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;

beforeAll(async () => {
  data = tempDataDir();
  relay = await startRelay({ dataDir: data.dir, port: 0, heartbeatMs: 250 });
});

afterAll(async () => {
  await relay.close();
  data.remove();
});

/**
 * A peer that completes the WebSocket handshake and then goes silent, as a phone that
 * lost its network does: it never answers a ping and never closes.
 */
async function silentPeer(path: string): Promise<Socket> {
  const { hostname, port } = new URL(relay.url);
  const socket = connect(Number(port), hostname);
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const [first] = (await once(socket, 'data')) as [Buffer];
  expect(first.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
  return socket;
}

describe('heartbeat', () => {
  it('drops relay and signaling peers that stop answering pings (their room unloads); live ones stay', async () => {
    const { ws: live } = await RoomSocket.open(relay.relayUrl, ROOM);
    // The live client's room is loaded (once its authentication arrives).
    await vi.waitFor(() => expect(relay.relay.loadedRooms).toBe(1));
    const deadRelay = await silentPeer(new URL(relay.relayUrl).pathname);
    const deadSignaling = await silentPeer('/signal');
    await Promise.all([once(deadRelay, 'close'), once(deadSignaling, 'close')]);
    expect(live.readyState).toBe(WebSocket.OPEN);
    expect(relay.relay.loadedRooms).toBe(1);
    live.close();
    await vi.waitFor(() => expect(relay.relay.loadedRooms).toBe(0));
  });
});
