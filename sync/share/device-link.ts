import {
  concatBytes,
  contentHash,
  deriveId,
  fromBase64Url,
  generateBoxKeyPair,
  lengthPrefixed,
  openSealedBox,
  readU64be,
  sealToPublicKey,
  toBase64Url,
  u64be,
  utf8,
  asVaultKey,
  bytesEqual,
  type BoxKeyPair,
  type VaultKey,
} from '../../crypto/index.ts';
import { ByteReader } from './byte-reader.ts';

/**
 * Linking a second device of the same person (sync/PROTOCOL.md "Invites, device links,
 * rotation"). Two fragments, each shown as a QR code and a copyable link:
 *   request  `#/link-device/<base64url(0x01 ‖ new device's box pk)>`  (new -> old device)
 *   response `#/linked/<base64url(0x01 ‖ sealToPublicKey(box pk, secret))>` (old -> new)
 * secret = lp("obscura/device-link/v1") ‖ vault key ‖ box pk ‖ u64 expiresAt ‖ lp(vaultId).
 *
 * Note: we do not offer a link that carries the vault key itself. Such a link is a
 * bearer credential for every notebook, for as long as the vault key lives, and links end
 * up in browser history, chat logs, screenshots and clipboard managers. The response is
 * useless to anyone but the device holding the box secret key, which never leaves it.
 * Both directions are checked by eye: requestFingerprint() before the old device sends
 * (a swapped request would get the vault key), and checkCode() after (a sealed box does not
 * say who sealed it; someone answering with their own vault, to collect what the new device
 * writes, cannot make a code keyed by the real vault key match).
 */
export const DEVICE_LINK_VERSION = 1;
export const LINK_REQUEST_PATH = '#/link-device/';
export const LINK_RESPONSE_PATH = '#/linked/';
const DOMAIN = lengthPrefixed(utf8('obscura/device-link/v1'));
const FINGERPRINT_DOMAIN = lengthPrefixed(utf8('obscura/device-link-fingerprint/v1'));
export const DEFAULT_DEVICE_LINK_TTL_MS = 10 * 60 * 1000;

export type DeviceLinkErrorCode = 'E_DEVICE_LINK_FORMAT' | 'E_DEVICE_LINK_VERSION' | 'E_DEVICE_LINK_WRONG_DEVICE' | 'E_DEVICE_LINK_EXPIRED';
export type DeviceLinkResult<T> = { ok: true; value: T } | { ok: false; error: { code: DeviceLinkErrorCode; message: string } };
const fail = <T>(code: DeviceLinkErrorCode, message: string): DeviceLinkResult<T> => ({ ok: false, error: { code, message } });

/** New device: a one-off box key pair (kept in memory until the response arrives). */
export function createDeviceLinkRequest(origin: string): { keyPair: BoxKeyPair; link: string } {
  const keyPair = generateBoxKeyPair();
  const payload = toBase64Url(concatBytes(new Uint8Array([DEVICE_LINK_VERSION]), keyPair.publicKey));
  return { keyPair, link: `${origin.replace(/\/+$/, '')}/${LINK_REQUEST_PATH}${payload}` };
}

function fragmentPayload(url: unknown, path: string): DeviceLinkResult<Uint8Array> {
  if (typeof url !== 'string' || url.length > 4096) return fail('E_DEVICE_LINK_FORMAT', 'not a device link');
  const at = url.indexOf(path);
  const bytes = at < 0 ? undefined : fromBase64Url(url.slice(at + path.length));
  if (!bytes?.ok || bytes.value.length === 0) return fail('E_DEVICE_LINK_FORMAT', `no ${path} payload`);
  if (bytes.value[0] !== DEVICE_LINK_VERSION) return fail('E_DEVICE_LINK_VERSION', `device link version ${bytes.value[0]}`);
  return { ok: true, value: bytes.value.subarray(1) };
}

/** Old device: reads the new device's box public key. Never throws. */
export function parseDeviceLinkRequest(url: unknown): DeviceLinkResult<Uint8Array> {
  const payload = fragmentPayload(url, LINK_REQUEST_PATH);
  if (!payload.ok) return payload;
  return payload.value.length === 32 ? { ok: true, value: payload.value.slice() } : fail('E_DEVICE_LINK_FORMAT', 'box key is not 32 bytes');
}

/**
 * Twelve digits of an unkeyed hash of the request's box key, shown beside the request QR
 * on the new device and on the old device after it scanned it; the person sends the vault
 * key only when they match. Guards the request direction: a swapped request would make the
 * old device seal the vault key to someone else. 40 bits, because an attacker who sees the
 * real key would have to grind one with the same digits within the link's lifetime.
 */
export function requestFingerprint(newDeviceBoxPk: Uint8Array): string {
  const digits = BigInt(`0x${contentHash(concatBytes(FINGERPRINT_DOMAIN, newDeviceBoxPk)).slice(0, 12)}`) % 1_000_000_000_000n;
  return digits.toString().padStart(12, '0').replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** Six digits both devices show; equal only when the response was sealed by this vault. */
export function checkCode(vaultKey: VaultKey, newDeviceBoxPk: Uint8Array): string {
  const bytes = fromBase64Url(deriveId(vaultKey, 'device-link-check', toBase64Url(newDeviceBoxPk)));
  const n = bytes.ok ? ((bytes.value[0] as number) << 16) | ((bytes.value[1] as number) << 8) | (bytes.value[2] as number) : 0;
  return String(n % 1_000_000).padStart(6, '0');
}

/** Old device: seals the vault key and id to the new device. */
export function createDeviceLinkResponse(origin: string, newDeviceBoxPk: Uint8Array, vaultKey: VaultKey, vaultId: string, now = Date.now(), ttlMs = DEFAULT_DEVICE_LINK_TTL_MS): string {
  const secret = concatBytes(DOMAIN, vaultKey, newDeviceBoxPk, u64be(now + ttlMs), lengthPrefixed(utf8(vaultId)));
  const payload = concatBytes(new Uint8Array([DEVICE_LINK_VERSION]), sealToPublicKey(newDeviceBoxPk, secret));
  return `${origin.replace(/\/+$/, '')}/${LINK_RESPONSE_PATH}${toBase64Url(payload)}`;
}

/** New device: opens the response with its box key pair. Never throws. */
export function openDeviceLinkResponse(url: unknown, keyPair: BoxKeyPair, now = Date.now()): DeviceLinkResult<{ vaultKey: VaultKey; vaultId: string }> {
  const payload = fragmentPayload(url, LINK_RESPONSE_PATH);
  if (!payload.ok) return payload;
  const opened = openSealedBox(keyPair, payload.value);
  if (!opened.ok) return fail('E_DEVICE_LINK_WRONG_DEVICE', 'this link was sealed for another device (or changed)');
  try {
    const reader = new ByteReader(opened.value);
    if (!bytesEqual(reader.take(DOMAIN.length), DOMAIN)) return fail('E_DEVICE_LINK_FORMAT', 'not a device link secret');
    const vaultKey = asVaultKey(reader.take(32).slice());
    if (!bytesEqual(reader.take(32), keyPair.publicKey)) return fail('E_DEVICE_LINK_WRONG_DEVICE', 'sealed for another box key');
    const expiresAt = readU64be(reader.take(8), 0);
    const vaultId = reader.string(256);
    if (!reader.done() || expiresAt === null) return fail('E_DEVICE_LINK_FORMAT', 'device link secret is malformed');
    if (expiresAt <= now) return fail('E_DEVICE_LINK_EXPIRED', 'device link expired');
    return { ok: true, value: { vaultKey, vaultId } };
  } catch (error) {
    return fail('E_DEVICE_LINK_FORMAT', `device link secret is malformed: ${String(error)}`);
  }
}
