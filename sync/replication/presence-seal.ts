import {
  concatBytes,
  deriveId,
  fromBase64Url,
  fromUtf8Strict,
  lengthPrefixed,
  openAead,
  sealAead,
  sign,
  toBase64Url,
  u32be,
  utf8,
  verifySignature,
  type NotebookKey,
  type SigningKeyPair,
} from '../../crypto/index.ts';

/** Who is online, as only holders of the notebook key can read it. */
export interface PresenceInfo {
  readonly deviceId: string;
  readonly deviceName: string;
}

/** What goes into awareness: one opaque base64url string, nothing else. */
export interface PresenceState {
  readonly p: string;
}

const AD_DOMAIN = utf8('obscura/presence/v2');
const SIGNED_DOMAIN = lengthPrefixed(utf8('obscura/presence-signature/v1'));
/** Ours is ~250 characters; a state far larger is not a presence and is not even decoded. */
export const MAX_PRESENCE_CHARS = 2048;

/** The signing key a device id has in the room (a current member; in the vault room, an approved device), or undefined. */
export type PresenceSigningKeys = (deviceId: string) => Uint8Array | undefined;

/**
 * A key for presence only, derived from the notebook key, so a presence blob can never be
 * opened as (or confused with) a box envelope, and the notebook key itself is not used twice.
 */
export function presenceKey(notebookKey: NotebookKey, roomId: string): Uint8Array {
  const bytes = fromBase64Url(deriveId(notebookKey, 'presence-key', roomId));
  if (!bytes.ok) throw new Error('deriveId returned invalid base64url');
  return bytes.value;
}

/**
 * Seals {deviceId, deviceName} for awareness, signed by the device. The associated data binds
 * the room and the awareness client id, so the relay or a signaling peer cannot move a blob to
 * another room or present it under another client id; the signature, checked against the
 * room's member list, means that knowing the room (every removed member and old invite holder
 * does) is not enough to appear as one of its devices, under any name.
 * Note: a blob can still be replayed under the same client id after that client left; the
 * worst outcome is a device shown online for one awareness timeout (30 s) too long.
 */
export function sealPresence(key: Uint8Array, roomId: string, clientId: number, info: PresenceInfo, signer: SigningKeyPair): PresenceState {
  const signature = sign(signer.secretKey, signedBytes(roomId, clientId, info));
  const plaintext = utf8(JSON.stringify({ d: info.deviceId, n: info.deviceName, s: toBase64Url(signature) }));
  return { p: toBase64Url(sealAead(key, plaintext, presenceAd(roomId, clientId))) };
}

/** Undefined for anything that does not open or that the device it names did not sign: ignored. */
export function openPresence(key: Uint8Array, roomId: string, clientId: number, state: unknown, signingKeyOf: PresenceSigningKeys): PresenceInfo | undefined {
  const info = openPresenceBlob(key, roomId, clientId, state);
  const signer = info && signingKeyOf(info.deviceId);
  return info && signer && verifySignature(signer, signedBytes(roomId, clientId, info), info.signature) ? { deviceId: info.deviceId, deviceName: info.deviceName } : undefined;
}

function openPresenceBlob(key: Uint8Array, roomId: string, clientId: number, state: unknown): (PresenceInfo & { signature: Uint8Array }) | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const p: unknown = (state as { p?: unknown }).p;
  if (typeof p !== 'string' || p.length > MAX_PRESENCE_CHARS) return undefined;
  // Awareness decodes client ids as varuints up to 2^53; ours are u32, and u32be would throw.
  if (!Number.isInteger(clientId) || clientId < 0 || clientId > 0xffffffff) return undefined;
  const sealed = fromBase64Url(p);
  if (!sealed.ok) return undefined;
  const opened = openAead(key, sealed.value, presenceAd(roomId, clientId));
  if (!opened.ok) return undefined;
  const text = fromUtf8Strict(opened.value);
  if (!text.ok) return undefined;
  try {
    const value: unknown = JSON.parse(text.value);
    const { d, n, s } = value as { d?: unknown; n?: unknown; s?: unknown };
    const signature = typeof s === 'string' ? fromBase64Url(s) : undefined;
    return typeof d === 'string' && typeof n === 'string' && signature?.ok ? { deviceId: d, deviceName: n, signature: signature.value } : undefined;
  } catch {
    return undefined;
  }
}

function signedBytes(roomId: string, clientId: number, info: PresenceInfo): Uint8Array {
  return concatBytes(SIGNED_DOMAIN, lengthPrefixed(utf8(roomId)), u32be(clientId), lengthPrefixed(utf8(info.deviceId)), lengthPrefixed(utf8(info.deviceName)));
}

function presenceAd(roomId: string, clientId: number): Uint8Array {
  return concatBytes(AD_DOMAIN, u32be(clientId), utf8(roomId));
}
