import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { roomAdminKey, roomWriteKey } from '../../../sync/relay-cap/room-write-keys.ts';
import type { BoxTransport } from '../../../sync/replication/box-transport.ts';
import type { RelayWriteSource } from '../../../sync/replication/relay-write.ts';
import type { RelayConnection, RelayRoom, RelayTransportOptions } from '../../../sync/replication/relay-connection.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { tempDataDir } from '../relay/relay-harness.ts';
import type { ContractFixture, ContractRoom, RoomKeys } from './box-transport-contract.ts';
import { startRelayMiddle, type RelayMiddle } from './relay-middle.ts';

/**
 * An awareness frame (type 1) whose one state is not JSON: reading it throws in the client.
 * (Junk in a sync frame does not: Yjs logs an update it cannot read and goes on.) The room
 * goes first, as in every Hocuspocus message.
 */
function garbageFrame(roomId: string): Uint8Array {
  const states = encoding.createEncoder();
  encoding.writeVarUint(states, 1);
  encoding.writeVarUint(states, 4242);
  encoding.writeVarUint(states, 1);
  encoding.writeVarString(states, '{not json');
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, roomId);
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(states));
  return encoding.toUint8Array(encoder);
}

/**
 * The write keys of one device in a room, as the app's vault hands them to replication
 * (sync/vault/vault-replicas.ts): the admin key stays the founder's, the write key follows the
 * current notebook key and its epoch.
 */
function rotatingWriteSource(roomId: string, first: Uint8Array): { source: RelayWriteSource; keys: RoomKeys } {
  let current = { key: first, epoch: 0 };
  const listeners = new Set<() => void>();
  return {
    source: {
      writer: () => roomWriteKey(current.key, roomId),
      admin: () => ({ key: roomAdminKey(first, roomId), epoch: current.epoch }),
      onChange(listener) {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    },
    keys: {
      rotate(key, epoch) {
        current = { key, epoch };
        for (const listener of [...listeners]) listener();
      },
    },
  };
}

/**
 * The real relay of `npm run relay` behind a middle that can speak for it, for the contract
 * suite: `make` is the transport under test.
 */
export function relayFixture(name: string, make: (options: RelayTransportOptions) => BoxTransport<RelayRoom, RelayConnection>): () => ContractFixture<RelayRoom, RelayConnection> {
  let data: ReturnType<typeof tempDataDir> | undefined;
  let server: RelayServer | undefined;
  let middle: RelayMiddle | undefined;
  beforeAll(async () => {
    await sodiumReady();
    data = tempDataDir();
    server = await startRelayServer({ dataDir: data.dir, port: 0, requireWriteCapability: true });
    middle = await startRelayMiddle(server.url);
  });
  afterAll(async () => {
    await middle?.close();
    await server?.close();
    data?.remove();
  });
  return () => {
    if (!server || !middle) throw new Error('the relay starts in beforeAll');
    const relay = server;
    const through = middle;
    // The policy route is plain HTTP: straight to the relay, not through the middle.
    const relayHttp = new URL(relay.url).origin;
    const fetchThrough = (input: string, init?: RequestInit) => fetch(`${relayHttp}${new URL(input).pathname}`, init);
    return {
      name,
      garbageClosesSocket: false,
      writeTokens: true,
      settled: (connection) => connection.writeSettled(),
      // One WebSocket class per device: the Hocuspocus client shares a socket per class and URL.
      transport: () => make({ url: through.url, WebSocketPolyfill: class extends (WebSocket as unknown as typeof globalThis.WebSocket) {}, fetch: fetchThrough }),
      room(base, room: ContractRoom) {
        const { source, keys } = rotatingWriteSource(room.roomId, room.key);
        return { room: { ...base, relayWrite: source }, keys };
      },
      async sendGarbage(room) {
        const sent = through.inject(garbageFrame(room.roomId));
        if (sent === 0) throw new Error('no client socket to send garbage to');
      },
      closedSockets: () => through.closedClients(),
      openSockets: () => through.openClients(),
    };
  };
}
