import { bytesEqual } from '../../../crypto/index.ts';
import { parseWriteToken } from '../../relay-cap/write-token.ts';
import type { RoomPolicies } from './room-caps.ts';

/**
 * Who may write a room: a connection or upload that proved the room's current write key
 * (sync/relay-cap/write-token.ts). Note: the token is checked once, when a connection
 * opens; whether its key is still the room's is checked at every write, so a rotation
 * makes connections proven with the old key read-only at once. A room with no policy is
 * read-only for everyone. With `required` off (the default until every client presents
 * tokens), everyone may write, as before.
 */
export class WriteAccess {
  readonly #caps: RoomPolicies;
  readonly #required: boolean;
  readonly #now: () => number;

  constructor(caps: RoomPolicies, required: boolean, now: () => number = Date.now) {
    this.#caps = caps;
    this.#required = required;
    this.#now = now;
  }

  /** The write key a token proves for `roomId` now, or undefined (no token, a bad one, or one off the clock). */
  prove(roomId: string, token: string | undefined): Uint8Array | undefined {
    if (token === undefined) return undefined;
    const proof = parseWriteToken(roomId, token, this.#now());
    return proof.ok ? proof.value.writePk : undefined;
  }

  /** Whether whoever proved `writePk` (or nothing) may write `roomId` now. */
  allows(roomId: string, writePk: Uint8Array | undefined): boolean {
    if (!this.#required) return true;
    const policy = this.#caps.policy(roomId);
    return policy !== undefined && writePk !== undefined && bytesEqual(policy.writePk, writePk);
  }
}
