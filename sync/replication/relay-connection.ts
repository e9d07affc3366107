import type { BoxConnection, BoxRoom } from './box-transport.ts';
import type { RelayWriteSource } from './relay-write.ts';

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
  /**
   * Resolves true once the relay acknowledged every update this device made in the room so
   * far, stored (sync/server/RELAY.md "The Hocuspocus client"); false when it cannot tell: no
   * write key (the relay takes none of this device's writes), `timeoutMs` passed (the relay is
   * unreachable) or the connection ended.
   */
  delivered(timeoutMs: number): Promise<boolean>;
}
