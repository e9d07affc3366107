import {
  concatBytes,
  deriveId,
  fromBase64Url,
  fromUtf8Strict,
  openAead,
  sealAead,
  toBase64Url,
  u32be,
  utf8,
  type NotebookKey,
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

const AD_DOMAIN = utf8('obscura/presence/v1');

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
 * Seals {deviceId, deviceName} for awareness. The associated data binds the room and the
 * awareness client id, so the relay or a signaling peer cannot move a blob to another room
 * or present it under another client id.
 * Note: it can still replay a blob under the same client id after that client left; the
 * worst outcome is a device shown online for one awareness timeout (30 s) too long.
 */
export function sealPresence(key: Uint8Array, roomId: string, clientId: number, info: PresenceInfo): PresenceState {
  const plaintext = utf8(JSON.stringify({ d: info.deviceId, n: info.deviceName }));
  return { p: toBase64Url(sealAead(key, plaintext, presenceAd(roomId, clientId))) };
}

/** Undefined for anything that does not open: a stranger's or a forged state is ignored. */
export function openPresence(key: Uint8Array, roomId: string, clientId: number, state: unknown): PresenceInfo | undefined {
  if (typeof state !== 'object' || state === null || typeof (state as { p?: unknown }).p !== 'string') return undefined;
  // Awareness decodes client ids as varuints up to 2^53; ours are u32, and u32be would throw.
  if (!Number.isInteger(clientId) || clientId < 0 || clientId > 0xffffffff) return undefined;
  const sealed = fromBase64Url((state as PresenceState).p);
  if (!sealed.ok) return undefined;
  const opened = openAead(key, sealed.value, presenceAd(roomId, clientId));
  if (!opened.ok) return undefined;
  const text = fromUtf8Strict(opened.value);
  if (!text.ok) return undefined;
  try {
    const value: unknown = JSON.parse(text.value);
    const { d, n } = value as { d?: unknown; n?: unknown };
    return typeof d === 'string' && typeof n === 'string' ? { deviceId: d, deviceName: n } : undefined;
  } catch {
    return undefined;
  }
}

function presenceAd(roomId: string, clientId: number): Uint8Array {
  return concatBytes(AD_DOMAIN, u32be(clientId), utf8(roomId));
}
