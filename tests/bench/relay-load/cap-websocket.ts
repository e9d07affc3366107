import type { SigningKeyPair } from '../../../crypto/index.ts';
import { signWriteToken } from '../../../sync/relay-cap/write-token.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';

/**
 * What the app's relay client will do once it presents write capabilities (the lead's side
 * of sync/PROTOCOL.md "Relay write capability"), for the bench's devices until then: every
 * relay socket y-websocket opens (reconnects too) carries a fresh `?cap=` token for its room.
 */
export function capWebSocket(writers: ReadonlyMap<string, SigningKeyPair>): typeof globalThis.WebSocket {
  class WithCap extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      const url = new URL(String(address));
      const roomId = url.pathname.split('/').pop() ?? '';
      const writer = writers.get(roomId);
      if (writer) url.searchParams.set('cap', writeTokenFor(roomId, writer));
      super(url.toString(), protocols);
    }
  }
  return WithCap as unknown as typeof globalThis.WebSocket;
}

/** A token for now by this machine's clock (the relay shares it here). */
export function writeTokenFor(roomId: string, writer: SigningKeyPair): string {
  return signWriteToken(roomId, writer, Date.now());
}
