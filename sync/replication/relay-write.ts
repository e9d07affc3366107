import type { SigningKeyPair } from '../../crypto/index.ts';
import { parseCapStatement, signCapStatement } from '../relay-cap/cap-statement.ts';
import { signWriteToken } from '../relay-cap/write-token.ts';

/**
 * The client side of the relay's write capability (sync/PROTOCOL.md "Relay write
 * capability"). A room's write key is derived from its current notebook (or vault) key, so
 * who can write follows the key: after a rotation, a removed member or an old link's holder
 * still reads the room's ciphertext but cannot write it. The room's admin (the founder's own
 * devices) tells the relay which write key is current, by key epoch.
 */
export interface RelayWriteSource {
  /** The room's write key for the current key; undefined while none is held (a join in progress). */
  writer(): SigningKeyPair | undefined;
  /** This device's admin key and the current key's epoch, when this device may set the room's policy. */
  admin(): { readonly key: SigningKeyPair; readonly epoch: number } | undefined;
  /** Calls back when the current key changed (a rotation made or picked up); returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

export interface RelayWrite {
  /** A `?cap=` token for a connection made now (by the relay's clock), or undefined: connect read-only. */
  token(): string | undefined;
  /**
   * Reads the room's policy (and the relay's clock) and, as its admin, raises it to the
   * current key. True when it had to put the policy there (the relay lacked it or held an
   * older one): writes sent on a connection before that were dropped.
   */
  sync(): Promise<boolean>;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** `ws://host/relay` -> `http://host/relay-caps/<roomId>`: the caps route sits beside the relay's. */
export function relayCapsUrl(relayUrl: string, roomId: string): string {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = `${url.pathname.replace(/\/relay\/?$/, '').replace(/\/$/, '')}/relay-caps/${roomId}`;
  url.search = '';
  return url.toString();
}

export function relayWrite(relayUrl: string, roomId: string, source: RelayWriteSource, fetchImpl: FetchLike = (input, init) => fetch(input, init)): RelayWrite {
  const url = relayCapsUrl(relayUrl, roomId);
  // The relay checks a token's time against its own clock (5 minutes either way): a device
  // whose clock is off by more would be read-only without knowing why.
  let clockOffsetMs = 0;
  const learnClock = (response: Response): void => {
    const date = Date.parse(response.headers.get('Date') ?? '');
    if (Number.isFinite(date)) clockOffsetMs = date - Date.now();
  };
  return {
    token() {
      const writer = source.writer();
      return writer && signWriteToken(roomId, writer, Date.now() + clockOffsetMs);
    },
    async sync() {
      try {
        const current = await fetchImpl(url, { method: 'GET' });
        learnClock(current);
        const body = new Uint8Array(await current.arrayBuffer());
        const admin = source.admin();
        const writer = source.writer();
        if (!admin || !writer) return false;
        const policy = current.status === 200 ? parseCapStatement(roomId, body) : undefined;
        if (policy?.ok && policy.value.epoch >= admin.epoch) return false;
        const put = await fetchImpl(url, { method: 'PUT', body: signCapStatement(roomId, admin.key, admin.epoch, writer.publicKey) as Uint8Array<ArrayBuffer> });
        await put.arrayBuffer();
        return put.ok;
      } catch {
        // Unreachable relay: the connection retries; writes wait for a reachable relay.
        return false;
      }
    },
  };
}
