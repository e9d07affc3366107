import * as Y from 'yjs';
import { concatBytes, lengthPrefixed, sign, utf8, verifySignature, SIGNATURE_BYTES, type SigningKeyPair } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { devicesMap, listedSigningKey } from '../vault-doc/vault-doc.ts';

/**
 * The person's names for their devices and when each was last unlocked, in the vault doc
 * (maps `deviceNames` and `deviceSeen`, by device id): sealed under the vault key like the rest
 * of the vault doc, so the person's other devices know them while that device is offline
 * (presence only names who is online) and no server reads them.
 *
 * A name counts only if the device it names signed it: the entry is an Ed25519 signature (64)
 * ‖ the UTF-8 name, over lp("obscura/device-name/v1") ‖ lp(deviceId) ‖ lp(name), checked
 * against the signing key the vault doc lists for that device (a device's signing key is
 * its own per vault). Any writer of the vault doc can still overwrite or delete the entry
 * (Y.Map keeps the last write), but not forge one: the device then shows unnamed, and the
 * named device puts its name back when it sees that (Vault). Before (review-keep 1), the
 * stolen phone named itself after the laptop and the laptop after the phone, and the
 * question "which device do you keep?" led the person to keep the phone. A plain string
 * (written before names were signed) does not count; its device signs it at its next unlock.
 *
 * Note: not fields of the `devices` entry. The device that answers a link lists the new device
 * too (vault.devices.answerLink), so two devices may create that entry at once and Y.Map keeps
 * one of the two; fields written into the other would be lost.
 */
export const MAX_DEVICE_NAME_LENGTH = 60;

export interface OwnDeviceView {
  readonly deviceId: string;
  /** Undefined for a device that never named itself here (set up before names were kept). */
  readonly name?: string;
  /** When that device was last unlocked (its clock). */
  readonly lastSeen?: number;
  readonly addedAt: number;
  readonly self: boolean;
}

export function cleanName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, MAX_DEVICE_NAME_LENGTH);
}

const names = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>('deviceNames');
const seen = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>('deviceSeen');

const DOMAIN = lengthPrefixed(utf8('obscura/device-name/v1'));

function signedName(deviceId: string, name: string): Uint8Array {
  return concatBytes(DOMAIN, lengthPrefixed(utf8(deviceId)), lengthPrefixed(utf8(name)));
}

/** Sets the name of the device `signer` is (cleaned, signed; an empty name removes it). False when the device is not listed. */
export function setOwnDeviceName(doc: Y.Doc, signer: SigningKeyPair, name: string): boolean {
  const deviceId = deviceIdFor(signer.publicKey);
  if (!devicesMap(doc).has(deviceId)) return false;
  const clean = cleanName(name);
  if (clean === '') names(doc).delete(deviceId);
  else if (deviceName(doc, deviceId) !== clean) names(doc).set(deviceId, concatBytes(sign(signer.secretKey, signedName(deviceId, clean)), utf8(clean)));
  return true;
}

/** A name entry written before names were signed (a plain string), for its device to sign. */
export function unsignedName(doc: Y.Doc, deviceId: string): string | undefined {
  const entry = names(doc).get(deviceId);
  const clean = typeof entry === 'string' ? cleanName(entry) : '';
  return clean === '' ? undefined : clean;
}

export function markSeen(doc: Y.Doc, deviceId: string, now = Date.now()): void {
  seen(doc).set(deviceId, now);
}

/** The name `deviceId` signed for itself, if its entry is one (see above). */
export function deviceName(doc: Y.Doc, deviceId: string): string | undefined {
  const entry = names(doc).get(deviceId);
  const signing = listedSigningKey(doc, deviceId);
  if (!(entry instanceof Uint8Array) || entry.length <= SIGNATURE_BYTES || !signing) return undefined;
  let name: string;
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(entry.subarray(SIGNATURE_BYTES));
  } catch {
    return undefined;
  }
  if (name !== cleanName(name) || name === '' || !verifySignature(signing, signedName(deviceId, name), entry.subarray(0, SIGNATURE_BYTES))) return undefined;
  return name;
}

/** The listed devices `include` accepts (approved, not signed out), this one first, then by when they were added. */
export function listOwnDevices(doc: Y.Doc, selfId: string, include: (deviceId: string) => boolean): OwnDeviceView[] {
  const list: OwnDeviceView[] = [];
  devicesMap(doc).forEach((entry, deviceId) => {
    if (!(entry instanceof Y.Map) || !include(deviceId)) return;
    const addedAt = entry.get('addedAt');
    const lastSeen = seen(doc).get(deviceId);
    const name = deviceName(doc, deviceId);
    list.push({
      deviceId,
      addedAt: typeof addedAt === 'number' && Number.isFinite(addedAt) ? addedAt : 0,
      ...(typeof lastSeen === 'number' && Number.isFinite(lastSeen) ? { lastSeen } : {}),
      ...(name === undefined ? {} : { name }),
      self: deviceId === selfId,
    });
  });
  return list.sort((a, b) => Number(b.self) - Number(a.self) || a.addedAt - b.addedAt || a.deviceId.localeCompare(b.deviceId));
}
