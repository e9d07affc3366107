import {
  bytesEqual,
  concatBytes,
  deriveId,
  fromBase64Url,
  lengthPrefixed,
  openSealedBox,
  sealToPublicKey,
  toBase64Url,
  utf8,
  wipe,
  asVaultKey,
  type VaultKey,
} from '../../crypto/index.ts';
import { ByteReader } from './byte-reader.ts';
import { linkUrl } from './link-envelope.ts';
import {
  deviceLinkFailure as fail,
  DEVICE_LINK_VERSION,
  linkPayload,
  requestDigest,
  type DeviceLinkErrorCode,
  type DeviceLinkRequest,
  type DeviceLinkResult,
  type PendingDeviceLink,
} from './device-link-request.ts';

export {
  createDeviceLinkRequest,
  parseDeviceLinkRequest,
  requestFingerprint,
  DEFAULT_DEVICE_LINK_TTL_MS,
  DEVICE_LINK_VERSION,
  LINK_REQUEST_PATH,
  type DeviceLinkErrorCode,
  type DeviceLinkRequest,
  type DeviceLinkResult,
  type PendingDeviceLink,
} from './device-link-request.ts';

/**
 * Linking a second device of the same person (sync/PROTOCOL.md "Device link"). Two
 * fragments, each shown as a QR code and a copyable link:
 *   request  `#/link-device/<…>` (new -> old device; device-link-request.ts)
 *   response `#/linked/<base64url(0x03 ‖ sealToPublicKey(box pk, secret))>` (old -> new)
 * secret = lp("obscura/device-link/v3") ‖ vault key ‖ requestDigest (32) ‖ old device's
 * signing pk (32) ‖ lp(vaultId). The two devices approve each other's signing key
 * (sync/vault/device-approvals.ts): the old one from the request, the new one from here.
 *
 * Note: we do not offer a link that carries the vault key itself. Such a link is a
 * bearer credential for every notebook, for as long as the vault key lives, and links end
 * up in browser history, chat logs, screenshots and clipboard managers. The response is
 * useless to anyone but the device holding the box secret key, which never leaves it.
 * Both directions are checked by eye: requestFingerprint() before the old device sends
 * (a swapped request would get the vault key), and checkCode() after (a sealed box does not
 * say who sealed it; someone answering with their own vault, to collect what the new device
 * writes, cannot make a code keyed by the real vault key match). The answer binds the whole
 * request (its digest), so the new device knows which request, and which expiry, the old
 * device saw; it carries no time of its own, so only the new device's clock judges it.
 */
export const LINK_RESPONSE_PATH = '#/linked/';
const DOMAIN = lengthPrefixed(utf8('obscura/device-link/v3'));

/** Six digits both devices show; equal only when the response was sealed by this vault. */
export function checkCode(vaultKey: VaultKey, newDeviceBoxPk: Uint8Array): string {
  const bytes = fromBase64Url(deriveId(vaultKey, 'device-link-check', toBase64Url(newDeviceBoxPk)));
  const n = bytes.ok ? ((bytes.value[0] as number) << 16) | ((bytes.value[1] as number) << 8) | (bytes.value[2] as number) : 0;
  return String(n % 1_000_000).padStart(6, '0');
}

/** Old device: seals the vault key and id to the new device, for this request (parsed, so checked). */
export function createDeviceLinkResponse(origin: string, request: DeviceLinkRequest, vaultKey: VaultKey, vaultId: string, approverPublicKey: Uint8Array): string {
  const secret = concatBytes(DOMAIN, vaultKey, requestDigest(request), approverPublicKey, lengthPrefixed(utf8(vaultId)));
  const payload = concatBytes(new Uint8Array([DEVICE_LINK_VERSION]), sealToPublicKey(request.boxPublicKey, secret));
  return linkUrl(origin, LINK_RESPONSE_PATH, payload);
}

/** New device: opens the response with its pending request, by its own clock. Never throws. */
export interface DeviceLinkSecret {
  readonly vaultKey: VaultKey;
  readonly vaultId: string;
  /** The old device's signing key: the new device approves it back. */
  readonly approverPublicKey: Uint8Array;
}

export function openDeviceLinkResponse(url: unknown, pending: PendingDeviceLink, now = Date.now()): DeviceLinkResult<DeviceLinkSecret> {
  const payload = linkPayload(url, LINK_RESPONSE_PATH);
  if (!payload.ok) return payload;
  const opened = openSealedBox(pending.keyPair, payload.value.subarray(1));
  if (!opened.ok) return fail('E_DEVICE_LINK_WRONG_DEVICE', 'this link was sealed for another device (or changed)');
  const secret = opened.value;
  const refuse = (code: DeviceLinkErrorCode, message: string) => (wipe(secret), fail<DeviceLinkSecret>(code, message));
  try {
    const reader = new ByteReader(secret);
    if (!bytesEqual(reader.take(DOMAIN.length), DOMAIN)) return refuse('E_DEVICE_LINK_FORMAT', 'not a device link secret');
    const vaultKey = reader.take(32);
    if (!bytesEqual(reader.take(32), requestDigest(pending))) return refuse('E_DEVICE_LINK_WRONG_DEVICE', 'answers another request of this device');
    const approverPublicKey = reader.take(32).slice();
    const vaultId = reader.string(256);
    if (!reader.done()) return refuse('E_DEVICE_LINK_FORMAT', 'device link secret is malformed');
    if (pending.expiresAt <= now) {
      return refuse('E_DEVICE_LINK_EXPIRED', 'This answer came after this device\'s request expired (requests last 10 minutes). Start the link again.');
    }
    const value = { vaultKey: asVaultKey(vaultKey.slice()), vaultId, approverPublicKey };
    wipe(secret);
    return { ok: true, value };
  } catch (error) {
    return refuse('E_DEVICE_LINK_FORMAT', `device link secret is malformed: ${String(error)}`);
  }
}
