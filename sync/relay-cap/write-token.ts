import { concatBytes, fromBase64Url, lengthPrefixed, readU64be, sign, SIGNATURE_BYTES, SIGNING_PUBLIC_KEY_BYTES, toBase64Url, u64be, utf8, verifySignature, type SigningKeyPair } from '../../crypto/index.ts';
import { capFail, RELAY_CAP_VERSION, type RelayCapResult } from './relay-cap-result.ts';

/**
 * Proof that a connection or upload holds a room's write key (sync/PROTOCOL.md "Relay
 * write capability"): base64url of `0x01 ‖ writePk(32) ‖ u64be timestampMs ‖ sig(64)`,
 * sig = Ed25519 by the write key over `lp("obscura/relay-write/v1") ‖ lp(utf8 roomId) ‖
 * u64be timestampMs`. Sent as `?cap=` on the relay WebSocket URL and as the `Obscura-Cap`
 * header of a blob PUT. Note: it binds the room and a time, not the connection; whoever
 * sees it (a proxy, the relay's own logs) can reuse it until it is 5 minutes off the clock.
 */
export const WRITE_TOKEN_DOMAIN = 'obscura/relay-write/v1';
export const WRITE_TOKEN_BYTES = 1 + SIGNING_PUBLIC_KEY_BYTES + 8 + SIGNATURE_BYTES;
/** How far a token's time may be from the relay's clock, either way. */
export const WRITE_TOKEN_MAX_SKEW_MS = 5 * 60 * 1000;

export interface WriteProof {
  readonly writePk: Uint8Array;
  readonly timestampMs: number;
}

function signedMessage(roomId: string, timestamp: Uint8Array): Uint8Array {
  return concatBytes(lengthPrefixed(utf8(WRITE_TOKEN_DOMAIN)), lengthPrefixed(utf8(roomId)), timestamp);
}

/** For a writer (client side): a token for `roomId` at `timestampMs` (the relay's clock, see its `Date`). */
export function signWriteToken(roomId: string, writer: SigningKeyPair, timestampMs: number): string {
  const timestamp = u64be(timestampMs);
  return toBase64Url(concatBytes(Uint8Array.of(RELAY_CAP_VERSION), writer.publicKey, timestamp, sign(writer.secretKey, signedMessage(roomId, timestamp))));
}

/** Reads a token for `roomId`, checks its signature and that its time is within 5 minutes of `nowMs`; never throws. */
export function parseWriteToken(roomId: string, token: string, nowMs: number): RelayCapResult<WriteProof> {
  const decoded = fromBase64Url(token);
  if (!decoded.ok || decoded.value.length === 0) return capFail('E_RELAY_CAP_FORMAT', 'not unpadded base64url');
  const bytes = decoded.value;
  if (bytes[0] !== RELAY_CAP_VERSION) return capFail('E_RELAY_CAP_VERSION', `token version ${bytes[0]}`);
  if (bytes.length !== WRITE_TOKEN_BYTES) return capFail('E_RELAY_CAP_FORMAT', `a token is ${WRITE_TOKEN_BYTES} bytes, not ${bytes.length}`);
  const writePk = bytes.slice(1, 33);
  const timestamp = bytes.subarray(33, 41);
  const timestampMs = readU64be(timestamp, 0);
  if (timestampMs === null) return capFail('E_RELAY_CAP_FORMAT', 'timestamp out of range');
  if (!verifySignature(writePk, signedMessage(roomId, timestamp), bytes.subarray(41))) {
    return capFail('E_RELAY_CAP_SIGNATURE', 'the write signature does not verify for this room');
  }
  if (Math.abs(nowMs - timestampMs) > WRITE_TOKEN_MAX_SKEW_MS) return capFail('E_RELAY_CAP_CLOCK', `token time is ${Math.round((timestampMs - nowMs) / 1000)} s from the relay's`);
  return { ok: true, value: { writePk, timestampMs } };
}
