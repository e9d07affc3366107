import {
  concatBytes,
  fromBase64Url,
  fromHex,
  lengthPrefixed,
  readU64be,
  sign,
  toBase64Url,
  toHex,
  u64be,
  utf8,
  verifySignature,
  type SigningKeyPair,
} from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { ByteReader, encodeStrings } from './byte-reader.ts';

/**
 * A notebook invite: `<origin>/#/join/<payload>`. The fragment never reaches a server.
 * payload = base64url(version ‖ inviter signing pk ‖ body ‖ Ed25519 signature), format in
 * sync/PROTOCOL.md "Invites, device links, rotation".
 *
 * Note: signed by the inviter's device rather than MACed under the notebook key, because
 * the key travels in the same link: a MAC under it stops corruption but not someone who
 * holds the link. With a signature, changing any field (name, relay URLs, expiry) means
 * replacing the inviter's key too, and the joiner then finds that inviter missing from
 * the notebook's signed member list (join-notebook.ts checks it).
 */
export const INVITE_VERSION = 1;
export const INVITE_PATH = '#/join/';
const DOMAIN = lengthPrefixed(utf8('obscura/invite/v1'));
const SIG = 64;

export interface Invite {
  readonly notebookId: string;
  readonly notebookName: string;
  readonly keyId: string;
  readonly key: Uint8Array;
  readonly founderDeviceId: string;
  readonly inviterSigningPublicKey: Uint8Array;
  /** Seed of the one-time signing key the inviter pre-authorized as an `invite` member. */
  readonly oneTimeSeed: Uint8Array;
  readonly expiresAt: number;
  readonly signalingUrls: readonly string[];
  readonly relayUrls: readonly string[];
}

export type InviteErrorCode = 'E_INVITE_FORMAT' | 'E_INVITE_VERSION' | 'E_INVITE_EXPIRED' | 'E_INVITE_TAMPERED';
export type InviteResult = { ok: true; value: Invite & { readonly inviterDeviceId: string } } | { ok: false; error: { code: InviteErrorCode; message: string } };

const fail = (code: InviteErrorCode, message: string): InviteResult => ({ ok: false, error: { code, message } });

export function createInviteLink(origin: string, invite: Omit<Invite, 'inviterSigningPublicKey'>, inviter: SigningKeyPair): string {
  const founder = fromHex(invite.founderDeviceId);
  const keyId = fromBase64Url(invite.keyId);
  if (!founder.ok || founder.value.length !== 16 || !keyId.ok || keyId.value.length !== 16) throw new Error('invite: malformed device or key id');
  const signed = concatBytes(
    new Uint8Array([INVITE_VERSION]),
    inviter.publicKey,
    u64be(invite.expiresAt),
    founder.value,
    keyId.value,
    invite.key,
    invite.oneTimeSeed,
    lengthPrefixed(utf8(invite.notebookId)),
    lengthPrefixed(utf8(invite.notebookName)),
    encodeStrings(invite.signalingUrls),
    encodeStrings(invite.relayUrls),
  );
  const signature = sign(inviter.secretKey, concatBytes(DOMAIN, signed));
  return `${origin.replace(/\/+$/, '')}/${INVITE_PATH}${toBase64Url(concatBytes(signed, signature))}`;
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
  if (typeof url !== 'string' || url.length > 8192) return fail('E_INVITE_FORMAT', 'not an invite link');
  const at = url.indexOf(INVITE_PATH);
  if (at < 0) return fail('E_INVITE_FORMAT', 'no #/join/ fragment');
  const bytes = fromBase64Url(url.slice(at + INVITE_PATH.length));
  if (!bytes.ok || bytes.value.length < 1) return fail('E_INVITE_FORMAT', 'payload is not base64url');
  const payload = bytes.value;
  if (payload[0] !== INVITE_VERSION) return fail('E_INVITE_VERSION', `invite version ${payload[0]} is not supported`);
  if (payload.length < 1 + 32 + SIG) return fail('E_INVITE_FORMAT', 'payload too short');
  // Verify before reading any field, so a changed byte anywhere reads as tampering.
  const signed = payload.subarray(0, payload.length - SIG);
  const inviterPk = payload.slice(1, 33);
  if (!verifySignature(inviterPk, concatBytes(DOMAIN, signed), payload.subarray(payload.length - SIG))) {
    return fail('E_INVITE_TAMPERED', 'invite signature does not verify');
  }
  const reader = new ByteReader(signed, 33);
  const expiresAt = readU64be(reader.take(8), 0);
  const founder = toHex(reader.take(16));
  const keyId = toBase64Url(reader.take(16));
  const key = reader.take(32).slice();
  const oneTimeSeed = reader.take(32).slice();
  const notebookId = reader.string(64);
  const notebookName = reader.string(1024);
  const signalingUrls = reader.strings();
  const relayUrls = reader.strings();
  if (!reader.done() || expiresAt === null || !/^[A-Za-z0-9_-]{1,64}$/.test(notebookId)) return fail('E_INVITE_FORMAT', 'invite body is malformed');
  if (![...signalingUrls, ...relayUrls].every(isServerUrl)) return fail('E_INVITE_FORMAT', 'invite carries a URL that is not ws(s) or https');
  if (expiresAt <= now) return fail('E_INVITE_EXPIRED', `invite expired at ${new Date(expiresAt).toISOString()}`);
  const invite = { notebookId, notebookName, keyId, key, founderDeviceId: founder, inviterSigningPublicKey: inviterPk, oneTimeSeed, expiresAt, signalingUrls, relayUrls };
  return { ok: true, value: { ...invite, inviterDeviceId: deviceIdFor(inviterPk) } };
}

function isServerUrl(value: string): boolean {
  try {
    return ['ws:', 'wss:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
