import * as Y from 'yjs';
import { devicesMap } from './vault-doc.ts';

/**
 * The person's names for their devices and when each was last unlocked, in the vault doc
 * (maps `deviceNames` and `deviceSeen`, by device id): sealed under the vault key like the rest
 * of the vault doc, so the person's other devices know them while that device is offline
 * (presence only names who is online) and no server reads them. Each device writes only its own.
 *
 * Note: not fields of the `devices` entry. The device that answers a link lists the new device
 * too (Vault.answerDeviceLink), so two devices may create that entry at once and Y.Map keeps
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

/** Sets this device's name (cleaned; an empty name removes it). False when the device is not listed. */
export function setOwnDeviceName(doc: Y.Doc, deviceId: string, name: string): boolean {
  if (!devicesMap(doc).has(deviceId)) return false;
  const clean = cleanName(name);
  if (clean === '') names(doc).delete(deviceId);
  else if (names(doc).get(deviceId) !== clean) names(doc).set(deviceId, clean);
  return true;
}

export function markSeen(doc: Y.Doc, deviceId: string, now = Date.now()): void {
  seen(doc).set(deviceId, now);
}

export function deviceName(doc: Y.Doc, deviceId: string): string | undefined {
  const name = names(doc).get(deviceId);
  const clean = typeof name === 'string' ? cleanName(name) : '';
  return clean === '' ? undefined : clean;
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
