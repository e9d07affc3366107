import type * as Y from 'yjs';
import type { BoxConnection } from '../../../sync/replication/box-transport.ts';
import { hocusTransport } from '../../../sync/replication/hocus-transport.ts';
import { relayTransport } from '../../../sync/replication/relay-transport.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { RELAY_ENGINE } from './relay-engine.ts';

const Ws = WebSocket as unknown as typeof globalThis.WebSocket;

/**
 * One room on the suite's relay through the stock client of its engine, with no write key:
 * what anyone who knows the room id can open (a reader, an outsider, a vandal). It has a
 * socket of its own (the Hocuspocus client shares one per WebSocket class and relay).
 */
export function keylessRoomClient(relayUrl: string, roomId: string, doc: Y.Doc): BoxConnection {
  const transport = (RELAY_ENGINE === 'hocuspocus' ? hocusTransport : relayTransport)({ url: relayUrl, WebSocketPolyfill: class extends Ws {} });
  return transport.connect({ box: doc, roomId });
}
