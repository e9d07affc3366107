import { concatBytes, lengthPrefixed, readU32be, sign, SIGNATURE_BYTES, SIGNING_PUBLIC_KEY_BYTES, u32be, utf8, verifySignature, type SigningKeyPair } from '../../crypto/index.ts';
import { capFail, RELAY_CAP_VERSION, type RelayCapResult } from './relay-cap-result.ts';

/**
 * A room's write policy as its admin states it to the relay (sync/PROTOCOL.md "Relay write
 * capability"): `0x01 ‖ adminPk(32) ‖ u32be epoch ‖ writePk(32) ‖ sig(64)`, sig = Ed25519 by
 * the admin key over `lp("obscura/relay-cap/v1") ‖ lp(utf8 roomId) ‖ bytes[0..69)`. The room
 * id is signed, so a statement cannot be moved to another room.
 */
export const CAP_STATEMENT_DOMAIN = 'obscura/relay-cap/v1';
const SIGNED_BYTES = 1 + SIGNING_PUBLIC_KEY_BYTES + 4 + SIGNING_PUBLIC_KEY_BYTES;
export const CAP_STATEMENT_BYTES = SIGNED_BYTES + SIGNATURE_BYTES;

export interface CapPolicy {
  readonly adminPk: Uint8Array;
  readonly epoch: number;
  /** Connections and uploads proven with this key may write the room. */
  readonly writePk: Uint8Array;
  /** The statement as signed, kept and served as is. */
  readonly statement: Uint8Array;
}

function signedMessage(roomId: string, signed: Uint8Array): Uint8Array {
  return concatBytes(lengthPrefixed(utf8(CAP_STATEMENT_DOMAIN)), lengthPrefixed(utf8(roomId)), signed);
}

/** For a room's admin (client side): the statement that makes `writePk` the room's write key from `epoch` on. */
export function signCapStatement(roomId: string, admin: SigningKeyPair, epoch: number, writePk: Uint8Array): Uint8Array {
  if (writePk.length !== SIGNING_PUBLIC_KEY_BYTES) throw new RangeError('writePk must be an Ed25519 public key');
  const signed = concatBytes(Uint8Array.of(RELAY_CAP_VERSION), admin.publicKey, u32be(epoch), writePk);
  return concatBytes(signed, sign(admin.secretKey, signedMessage(roomId, signed)));
}

/** Reads a statement for `roomId` and checks its signature; never throws. */
export function parseCapStatement(roomId: string, bytes: Uint8Array): RelayCapResult<CapPolicy> {
  if (bytes.length === 0) return capFail('E_RELAY_CAP_FORMAT', 'empty statement');
  if (bytes[0] !== RELAY_CAP_VERSION) return capFail('E_RELAY_CAP_VERSION', `statement version ${bytes[0]}`);
  if (bytes.length !== CAP_STATEMENT_BYTES) return capFail('E_RELAY_CAP_FORMAT', `a statement is ${CAP_STATEMENT_BYTES} bytes, not ${bytes.length}`);
  const signed = bytes.subarray(0, SIGNED_BYTES);
  const adminPk = bytes.slice(1, 33);
  if (!verifySignature(adminPk, signedMessage(roomId, signed), bytes.subarray(SIGNED_BYTES))) {
    return capFail('E_RELAY_CAP_SIGNATURE', 'the admin signature does not verify for this room');
  }
  return { ok: true, value: { adminPk, epoch: readU32be(bytes, 33), writePk: bytes.slice(37, 69), statement: bytes.slice() } };
}
