import { WebsocketProvider } from 'y-websocket';
import type { BoxConnection, BoxRoom, BoxTransport } from './box-transport.ts';
import { ConnectionEvents } from './connection-events.ts';
import { guardedWebSocket } from './guarded-websocket.ts';
import { capWebSocket, relayWrite, type RelayWriteSource } from './relay-write.ts';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface RelayTransportOptions {
  /** The relay (`ws://HOST/relay`), checked by checkReplicationSettings. */
  readonly url: string;
  /** Node 20 has no global WebSocket: pass `ws`'s. */
  readonly WebSocketPolyfill?: typeof WebSocket;
  readonly fetch?: FetchLike;
}

export interface RelayRoom extends BoxRoom {
  /** The room's relay write keys (relay-write.ts); without them this device reads the relay but cannot write it. */
  readonly relayWrite?: RelayWriteSource;
}

export interface RelayConnection extends BoxConnection {
  /** A token that lets a blob upload write this room now (undefined: uploads are refused). */
  writeToken(): string | undefined;
  /** Resolves once the relay has the room's latest policy (after a rotation: before anyone writes under the old key there). */
  writeSettled(): Promise<void>;
}

/**
 * The y-websocket relay (sync/server/relay/): one socket per room at `url/<roomId>`, the
 * write token in the URL of every connection (relay-write.ts).
 */
export function relayTransport(options: RelayTransportOptions): BoxTransport<RelayRoom, RelayConnection> {
  return { name: 'relay (y-websocket)', connect: (room) => connectRelay(options, room) };
}

function connectRelay(options: RelayTransportOptions, room: RelayRoom): RelayConnection {
  const events = new ConnectionEvents('connecting');
  const write = room.relayWrite ? relayWrite(options.url, room.roomId, room.relayWrite, options.fetch) : undefined;
  const Socket = guardedWebSocket(options.WebSocketPolyfill ?? WebSocket, (error) => {
    console.warn(`relay sent a frame that cannot be read: ${String(error).slice(0, 120)}`);
    events.badFrame(error);
  });
  const relay = new WebsocketProvider(options.url, room.roomId, room.box, {
    ...(room.awareness ? { awareness: room.awareness } : {}),
    // Whether to come back is ours to decide, not the close code's: y-websocket gives up for
    // good on 4400-4499, which left a device off the relay until reload. It backs off anyway.
    shouldReconnect: () => true,
    // Tabs of one browser already meet over y-webrtc's encrypted BroadcastChannel.
    disableBc: true,
    WebSocketPolyfill: write ? capWebSocket(Socket, () => write.token()) : Socket,
    // Connect once the room's policy and the relay's clock are known (a token made before would be read-only).
    connect: write === undefined,
  });
  // Without an awareness of ours, y-websocket made its own: its 30 s timer is ours to stop.
  const ownAwareness = room.awareness ? undefined : relay.awareness;
  let destroyed = false;
  let writeSettled = Promise.resolve();
  const syncWrite = (reconnect: boolean): void => {
    if (!write) return;
    writeSettled = write.sync().then(() => {
      if (destroyed) return;
      // A new current key means a new token: connect again with it.
      if (reconnect) relay.disconnect();
      relay.connect();
    });
  };
  syncWrite(false);
  const stopWriteChanges = room.relayWrite?.onChange(() => syncWrite(true));

  let everConnected = false;
  relay.on('status', ({ status: s }) => {
    // A relay that lost its data (restarted empty) lost the room's write policy too: without
    // it every write of this connection, the resync of the whole box included, is dropped.
    // So at every reconnect the admin puts the policy back, and if it had to, connects again
    // so the box is resent under it. Set before listeners hear 'connected': the blob sync
    // waits for it before it uploads (writeSettled).
    if (s === 'connected' && everConnected && write && !destroyed) {
      writeSettled = write.sync().then((registered) => {
        if (!registered || destroyed) return;
        relay.disconnect();
        relay.connect();
      });
    }
    if (s === 'connected') everConnected = true;
    // y-websocket retries with backoff (connecting, disconnected, connecting, ...); once the
    // relay was lost it stays 'offline' until a retry succeeds, rather than flickering.
    if (s === 'connecting' && events.state() === 'offline') return;
    events.setState(s === 'connected' ? 'connected' : s === 'connecting' ? 'connecting' : 'offline');
  });
  relay.on('sync', (isSynced: boolean) => void (isSynced && events.synced()));
  // Updates it brought in later than its sync step count as syncing too.
  const onBoxUpdate = (_update: Uint8Array, origin: unknown) => void (origin === relay && events.synced());
  room.box.on('update', onBoxUpdate);

  return {
    ...events.api(),
    origin: relay,
    writeToken: () => write?.token(),
    writeSettled: () => writeSettled,
    destroy() {
      destroyed = true;
      stopWriteChanges?.();
      room.box.off('update', onBoxUpdate);
      events.clear();
      relay.destroy();
      ownAwareness?.destroy();
    },
  };
}
