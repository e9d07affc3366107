import type { VaultKey } from '../../crypto/index.ts';
import { checkCode, createDeviceLinkResponse, parseDeviceLinkRequest, requestFingerprint, type DeviceLinkErrorCode } from '../share/device-link.ts';

/** What the old device shows after reading a new device's request link. */
export interface DeviceLinkAnswer {
  /** `<origin>/#/linked/...`: the vault key sealed to the new device's box key. */
  readonly link: string;
  /** Six digits the new device must show too (the response came from this vault). */
  readonly checkCode: string;
  /** What the new device showed beside its request (the request is really its): 16 characters in 4 groups. */
  readonly fingerprint: string;
  /** The new device's signing key, from the request: the old device approves it (device-approvals.ts). */
  readonly newDevicePublicKey: Uint8Array;
  /** Its box key, from the request: the device's own (link-device.ts), listed and added to notebooks at once. */
  readonly newDeviceBoxPublicKey: Uint8Array;
}

export function answerDeviceLink(
  requestLink: string,
  origin: string,
  vaultKey: VaultKey,
  vaultId: string,
  approverPublicKey: Uint8Array,
  now = Date.now(),
): { ok: true; value: DeviceLinkAnswer } | { ok: false; error: { code: DeviceLinkErrorCode; message: string } } {
  const request = parseDeviceLinkRequest(requestLink, now);
  if (!request.ok) return request;
  return {
    ok: true,
    value: {
      link: createDeviceLinkResponse(origin, request.value, vaultKey, vaultId, approverPublicKey),
      checkCode: checkCode(vaultKey, request.value.boxPublicKey),
      fingerprint: requestFingerprint(request.value),
      newDevicePublicKey: request.value.signingPublicKey,
      newDeviceBoxPublicKey: request.value.boxPublicKey,
    },
  };
}
