import {
  concatBytes,
  contentHash,
  fromHex,
  generateBoxKeyPair,
  lengthPrefixed,
  readU64be,
  toHex,
  u64be,
  utf8,
  type BoxKeyPair,
  type Result,
} from '../../crypto/index.ts';
import { linkUrl, readLinkPayload } from './link-envelope.ts';

/**
 * The new device's request of a device link (sync/PROTOCOL.md "Device link"):
 *   `#/link-device/<base64url(0x03 ‖ u64 createdAt ‖ u64 expiresAt ‖ box pk (32) ‖ signing pk (32))>`
 * Both times are the new device's clock, in ms. The box key is made for this request; the
 * signing key is the new device's own, which the old device approves (sync/vault/
 * device-approvals.ts). Nothing in it is signed: it is checked by eye, with
 * requestFingerprint on both screens.
 *
 * Note: each device judges time by its own clock only. The old device refuses a request
 * past `expiresAt`, and one made more than a tolerance ahead of its clock, which can only
 * mean the clocks differ (E_DEVICE_LINK_CLOCK_SKEW says so). The new device refuses an
 * answer once its own `expiresAt` has passed. So a skew never shortens the new device's
 * window; on the old device, a request that looks expired may be stale or come from a
 * device whose clock is behind, which nothing in the request can tell apart, and the
 * message names both.
 */
export const DEVICE_LINK_VERSION = 3;
export const LINK_REQUEST_PATH = '#/link-device/';
export const DEFAULT_DEVICE_LINK_TTL_MS = 10 * 60 * 1000;
/** A request that claims to live longer was not made by us. */
export const MAX_DEVICE_LINK_TTL_MS = 60 * 60 * 1000;
/** Clocks kept by NTP agree within seconds; two minutes leaves room for a phone that is not. */
export const DEVICE_LINK_CLOCK_TOLERANCE_MS = 2 * 60 * 1000;
const REQUEST_BYTES = 1 + 8 + 8 + 32 + 32;
const DIGEST_DOMAIN = lengthPrefixed(utf8('obscura/device-link-request/v3'));
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type DeviceLinkErrorCode = 'E_DEVICE_LINK_FORMAT' | 'E_DEVICE_LINK_VERSION' | 'E_DEVICE_LINK_WRONG_DEVICE' | 'E_DEVICE_LINK_EXPIRED' | 'E_DEVICE_LINK_CLOCK_SKEW';
export type DeviceLinkResult<T> = Result<T, DeviceLinkErrorCode>;
export const deviceLinkFailure = <T>(code: DeviceLinkErrorCode, message: string): DeviceLinkResult<T> => ({ ok: false, error: { code, message } });

export interface DeviceLinkRequest {
  /** The whole payload, version byte included: what the fingerprint and the answer bind. */
  readonly bytes: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly boxPublicKey: Uint8Array;
  /** The new device's own signing key: what the old device approves as the person's. */
  readonly signingPublicKey: Uint8Array;
}

/** The new device's side, kept in the page's memory until the answer arrives. */
export interface PendingDeviceLink extends DeviceLinkRequest {
  readonly link: string;
  readonly keyPair: BoxKeyPair;
}

/**
 * `keyPair`: the box key pair the answer is sealed to; the new device's own device box key
 * (link-device.ts), so the old device can add it to notebooks when it answers. A fresh one by
 * default.
 */
export function createDeviceLinkRequest(origin: string, signingPublicKey: Uint8Array, now = Date.now(), ttlMs = DEFAULT_DEVICE_LINK_TTL_MS, keyPair: BoxKeyPair = generateBoxKeyPair()): PendingDeviceLink {
  const bytes = concatBytes(new Uint8Array([DEVICE_LINK_VERSION]), u64be(now), u64be(now + ttlMs), keyPair.publicKey, signingPublicKey);
  const link = linkUrl(origin, LINK_REQUEST_PATH, bytes);
  return { link, keyPair, bytes, createdAt: now, expiresAt: now + ttlMs, boxPublicKey: keyPair.publicKey, signingPublicKey: bytes.slice(49) };
}

/** The payload after `path`, with its version checked (requests and answers share the rule). */
export function linkPayload(url: unknown, path: string): DeviceLinkResult<Uint8Array> {
  const noPayload = `no ${path} payload`;
  const bytes = readLinkPayload(url, { path, maxChars: 4096, code: 'E_DEVICE_LINK_FORMAT', words: { notALink: 'not a device link', noPath: noPayload, noPayload } });
  if (!bytes.ok) return bytes;
  const version = bytes.value[0] as number;
  if (version < DEVICE_LINK_VERSION) {
    return deviceLinkFailure('E_DEVICE_LINK_VERSION', 'This device link was made by an older version of Obscura; start the link again on both devices.');
  }
  if (version > DEVICE_LINK_VERSION) {
    return deviceLinkFailure('E_DEVICE_LINK_VERSION', `This device link (version ${version}) was made by a newer version of Obscura; update the app on both devices.`);
  }
  return { ok: true, value: bytes.value };
}

const minutes = (ms: number) => {
  const n = Math.max(1, Math.round(ms / 60_000));
  return `${n} minute${n === 1 ? '' : 's'}`;
};

/** Old device: reads and checks a request against its own clock. Never throws. */
export function parseDeviceLinkRequest(url: unknown, now = Date.now()): DeviceLinkResult<DeviceLinkRequest> {
  const payload = linkPayload(url, LINK_REQUEST_PATH);
  if (!payload.ok) return payload;
  const bytes = payload.value;
  if (bytes.length !== REQUEST_BYTES) return deviceLinkFailure('E_DEVICE_LINK_FORMAT', `a request is ${REQUEST_BYTES} bytes, this one ${bytes.length}`);
  const createdAt = readU64be(bytes, 1);
  const expiresAt = readU64be(bytes, 9);
  if (createdAt === null || expiresAt === null || expiresAt <= createdAt || expiresAt - createdAt > MAX_DEVICE_LINK_TTL_MS) {
    return deviceLinkFailure('E_DEVICE_LINK_FORMAT', 'the request\'s lifetime is not between 0 and 1 hour');
  }
  if (createdAt > now + DEVICE_LINK_CLOCK_TOLERANCE_MS) {
    return deviceLinkFailure(
      'E_DEVICE_LINK_CLOCK_SKEW',
      `The new device's clock is ${minutes(createdAt - now)} ahead of this device's: the two clocks differ. Set both devices to the right time, then start the link again.`,
    );
  }
  if (expiresAt <= now) {
    return deviceLinkFailure(
      'E_DEVICE_LINK_EXPIRED',
      `This request expired ${minutes(now - expiresAt)} ago by this device's clock (requests last 10 minutes). Make a new one on the new device; if a request made just now is refused too, the two devices' clocks differ: set both to the right time.`,
    );
  }
  const copy = bytes.slice();
  return { ok: true, value: { bytes: copy, createdAt, expiresAt, boxPublicKey: copy.subarray(17, 49), signingPublicKey: copy.subarray(49) } };
}

/** BLAKE2b-256 of the whole request, domain-separated: what the answer binds to. */
export function requestDigest(request: Pick<DeviceLinkRequest, 'bytes'>): Uint8Array {
  const digest = fromHex(contentHash(concatBytes(DIGEST_DOMAIN, request.bytes)));
  if (!digest.ok) throw new Error('contentHash returned invalid hex');
  return digest.value;
}

/**
 * 80 bits of requestDigest as 16 Crockford base32 characters in groups of 4, shown beside
 * the request QR on the new device and on the old device after it read the request; the
 * person sends the vault key only when they match. A swapped request would make the old
 * device seal the vault key to someone else: matching these needs a second preimage of 80
 * bits within the request's lifetime. Covers every byte, so a changed expiry shows too.
 */
export function requestFingerprint(request: Pick<DeviceLinkRequest, 'bytes'>): string {
  let n = BigInt(`0x${toHex(requestDigest(request).subarray(0, 10))}`);
  let out = '';
  for (let i = 0; i < 16; i++, n >>= 5n) out = (CROCKFORD[Number(n & 31n)] as string) + out;
  return out.replace(/(.{4})(?=.)/g, '$1 ');
}
