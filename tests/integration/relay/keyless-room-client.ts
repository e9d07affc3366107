import type * as Y from 'yjs';
import type { BoxConnection } from '../../../sync/replication/box-transport.ts';
import { hocusTransport } from '../../../sync/replication/hocus-transport.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';

const Ws = WebSocket as unknown as typeof globalThis.WebSocket;

/**
 * One room on the suite's relay through the app's relay client, with no write key:
 * what anyone who knows the room id can open (a reader, an outsider, a vandal). It has a
 * socket of its own (the Hocuspocus client shares one per WebSocket class and relay).
 */
export function keylessRoomClient(relayUrl: string, roomId: string, doc: Y.Doc): BoxConnection {
  const transport = hocusTransport({ url: relayUrl, WebSocketPolyfill: class extends Ws {} });
  return transport.connect({ box: doc, roomId });
}
