import {
  concatBytes,
  fromBase64Url,
  lengthPrefixed,
  readU64be,
  sign,
  toBase64Url,
  u64be,
  utf8,
  verifySignature,
  type Result,
  type SigningKeyPair,
} from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { ByteReader, encodeStrings } from './byte-reader.ts';
import { linkUrl, readLinkPayload, type LinkEnvelopeRules } from './link-envelope.ts';
import type { NotebookRoom } from '../transport/derive-room-id.ts';

/**
 * A notebook invite: `<origin>/#/join/<payload>`. The fragment never reaches a server.
 * payload = base64url(version ‖ inviter signing pk ‖ body ‖ Ed25519 signature), format in
 * sync/PROTOCOL.md "Invite link".
 *
 * Note: a link carries NO notebook key, only a one-time seed and the room's names. Links end
 * up in browser histories, chat logs and screenshots, where no script can reach them; with a
 * key in it (v1) a link read the notebook for as long as that key lived, after it was used,
 * revoked or expired. Now the key reaches the joiner as a key envelope in the box, sealed to
 * the box key the seed derives (join-notebook.ts inviteIdentity), and members delete that
 * envelope once the invite is used, withdrawn or expired, and never seal a newer key to it.
 *
 * Signed by the inviter's device rather than MACed: changing any field (name, relay URLs,
 * expiry, founder) means replacing the inviter's key too, and the joiner then finds that
 * inviter missing from the notebook's signed member list (join-notebook.ts checks it).
 */
export const INVITE_VERSION = 3;
export const INVITE_PATH = '#/join/';
/** v2 links (no flags byte) still join; each version signs under its own domain. */
const DOMAINS = new Map([2, 3].map((version) => [version, lengthPrefixed(utf8(`obscura/invite/v${version}`))]));
const STRICT_MEMBERS = 1;
const SIG = 64;

export interface Invite {
  readonly notebookId: string;
  readonly notebookName: string;
  /** Pinned as the notebook's founder (members.ts): by public key, not only by id. */
  readonly founderSigningPublicKey: Uint8Array;
  readonly inviterSigningPublicKey: Uint8Array;
  /** Seed of the one-time signing key the inviter pre-authorized as an `invite` member. */
  readonly oneTimeSeed: Uint8Array;
  /** Where the box meets its peers; none of it opens an envelope. */
  readonly room: NotebookRoom;
  readonly expiresAt: number;
  readonly signalingUrls: readonly string[];
  readonly relayUrls: readonly string[];
  /**
   * The notebook counts only owner-signed member records (member-authority.ts): the joiner
   * reads it strict from the start, not only once a head reaches its box (a relay may withhold
   * every head). False for a v2 link.
   */
  readonly strictMembers: boolean;
}

export type ParsedInvite = Invite & { readonly inviterDeviceId: string; readonly founderDeviceId: string };

export type InviteErrorCode = 'E_INVITE_FORMAT' | 'E_INVITE_VERSION' | 'E_INVITE_EXPIRED' | 'E_INVITE_TAMPERED';
export type InviteResult = Result<ParsedInvite, InviteErrorCode>;

const fail = (code: InviteErrorCode, message: string): InviteResult => ({ ok: false, error: { code, message } });
const ENVELOPE: LinkEnvelopeRules<'E_INVITE_FORMAT'> = {
  path: INVITE_PATH,
  maxChars: 8192,
  code: 'E_INVITE_FORMAT',
  words: { notALink: 'not an invite link', noPath: 'no #/join/ fragment', noPayload: 'payload is not base64url' },
};

export function createInviteLink(origin: string, invite: Omit<Invite, 'inviterSigningPublicKey'>, inviter: SigningKeyPair): string {
  const roomId = fromBase64Url(invite.room.roomId);
  const password = fromBase64Url(invite.room.password);
  if (!roomId.ok || roomId.value.length !== 32 || !password.ok || password.value.length !== 32 || invite.room.presenceKey.length !== 32) {
    throw new Error('invite: the room must be a derived room id, password and presence key');
  }
  const signed = concatBytes(
    new Uint8Array([INVITE_VERSION]),
    inviter.publicKey,
    u64be(invite.expiresAt),
    invite.founderSigningPublicKey,
    invite.oneTimeSeed,
    roomId.value,
    password.value,
    invite.room.presenceKey,
    lengthPrefixed(utf8(invite.notebookId)),
    lengthPrefixed(utf8(invite.notebookName)),
    encodeStrings(invite.signalingUrls),
    encodeStrings(invite.relayUrls),
    Uint8Array.of(invite.strictMembers ? STRICT_MEMBERS : 0),
  );
  const signature = sign(inviter.secretKey, concatBytes(DOMAINS.get(INVITE_VERSION) ?? new Uint8Array(0), signed));
  return linkUrl(origin, INVITE_PATH, concatBytes(signed, signature));
}

/** Never throws: garbage, a wrong version, a changed byte or an old link each get a code. */
export function parseInviteLink(url: unknown, now = Date.now()): InviteResult {
  try {
    return parse(url, now);
  } catch (error) {
    return fail('E_INVITE_FORMAT', `unreadable invite: ${String(error)}`);
  }
}

function parse(url: unknown, now: number): InviteResult {
  const bytes = readLinkPayload(url, ENVELOPE);
  if (!bytes.ok) return bytes;
  const payload = bytes.value;
  if (payload[0] === 1) return fail('E_INVITE_VERSION', 'this link was made by an older version of the app; ask for a new one');
  const version = payload[0] ?? 0;
  const domain = DOMAINS.get(version);
  if (!domain) return fail('E_INVITE_VERSION', `invite version ${version} is not supported`);
  if (payload.length < 1 + 32 + SIG) return fail('E_INVITE_FORMAT', 'payload too short');
  // Verify before reading any field, so a changed byte anywhere reads as tampering.
  const signed = payload.subarray(0, payload.length - SIG);
  const inviterPk = payload.slice(1, 33);
  if (!verifySignature(inviterPk, concatBytes(domain, signed), payload.subarray(payload.length - SIG))) {
    return fail('E_INVITE_TAMPERED', 'invite signature does not verify');
  }
  const reader = new ByteReader(signed, 33);
  const expiresAt = readU64be(reader.take(8), 0);
  const founderPk = reader.take(32).slice();
  const oneTimeSeed = reader.take(32).slice();
  const room = { roomId: toBase64Url(reader.take(32)), password: toBase64Url(reader.take(32)), presenceKey: reader.take(32).slice() };
  const notebookId = reader.string(64);
  const notebookName = reader.string(1024);
  const signalingUrls = reader.strings();
  const relayUrls = reader.strings();
  const flags = version >= 3 ? reader.take(1)[0] : 0;
  if (flags !== 0 && flags !== STRICT_MEMBERS) return fail('E_INVITE_FORMAT', 'invite flags are malformed');
  if (!reader.done() || expiresAt === null || !/^[A-Za-z0-9_-]{1,64}$/.test(notebookId)) return fail('E_INVITE_FORMAT', 'invite body is malformed');
  if (![...signalingUrls, ...relayUrls].every(isServerUrl)) return fail('E_INVITE_FORMAT', 'invite carries a URL that is not ws(s) or https');
  if (expiresAt <= now) return fail('E_INVITE_EXPIRED', `invite expired at ${new Date(expiresAt).toISOString()}`);
  return {
    ok: true,
    value: {
      notebookId,
      notebookName,
      founderSigningPublicKey: founderPk,
      founderDeviceId: deviceIdFor(founderPk),
      inviterSigningPublicKey: inviterPk,
      inviterDeviceId: deviceIdFor(inviterPk),
      oneTimeSeed,
      room,
      expiresAt,
      signalingUrls,
      relayUrls,
      strictMembers: flags === STRICT_MEMBERS,
    },
  };
}

function isServerUrl(value: string): boolean {
  try {
    return ['ws:', 'wss:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
