import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from '../../../sync/server/ws-node.ts';

/**
 * A man in the middle of the real relay's sockets: every byte passes both ways unchanged
 * until a test sends frames of its own to the clients (`inject`). Counts the client sockets
 * that closed, so a test can tell a transport that kept its socket from one that reconnected.
 */
export interface RelayMiddle {
  /** `ws://127.0.0.1:PORT/relay`: give it to the transport instead of the relay's URL. */
  readonly url: string;
  /** Sends `frame` to every client whose socket path ends with `pathEnd` ('' for all). */
  inject(frame: Uint8Array, pathEnd?: string): number;
  /** Client sockets closed so far (by either side). */
  closedClients(): number;
  /** Client sockets open now. */
  openClients(): number;
  close(): Promise<void>;
}

export async function startRelayMiddle(upstreamBase: string): Promise<RelayMiddle> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((done) => server.once('listening', () => done()));
  const clients = new Map<WebSocket, string>();
  let closed = 0;
  server.on('connection', (client, request) => {
    const path = request.url ?? '/';
    clients.set(client, path);
    const upstream = new WebSocket(new URL(path, upstreamBase).toString());
    const pending: RawData[] = [];
    upstream.on('open', () => pending.splice(0).forEach((frame) => upstream.send(frame)));
    upstream.on('message', (frame: RawData, isBinary: boolean) => client.readyState === WebSocket.OPEN && client.send(frame, { binary: isBinary }));
    client.on('message', (frame: RawData) => (upstream.readyState === WebSocket.OPEN ? upstream.send(frame) : pending.push(frame)));
    const end = () => {
      if (clients.delete(client)) closed++;
      client.terminate();
      upstream.terminate();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/relay`,
    inject(frame, pathEnd = '') {
      let sent = 0;
      for (const [client, path] of clients) {
        if (!path.split('?')[0]!.endsWith(pathEnd) || client.readyState !== WebSocket.OPEN) continue;
        client.send(frame);
        sent++;
      }
      return sent;
    },
    closedClients: () => closed,
    openClients: () => clients.size,
    close: () =>
      new Promise<void>((done) => {
        for (const client of clients.keys()) client.terminate();
        server.close(() => done());
      }),
  };
}
