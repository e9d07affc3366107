import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { bytesEqual, type CodedError } from '../../crypto/index.ts';
import type { OfferedHandover } from './vault-key-handover.ts';

/**
 * Which handover of a new vault key this device follows (sync/PROTOCOL.md "Removing one
 * device", "Which device to keep"). A handover says "<signer> removed <device>": the
 * person's laptop removing a lost phone, or the thief on that phone removing the laptop. The
 * device cannot tell the two apart (both are the person's approved devices, both hold the old
 * key), so it never follows one silently: the person says which device to keep, once, and the
 * device remembers it (a device record) so that the kept device's handover, arriving later,
 * is followed without asking again and the other's is never followed.
 *
 * Refused without asking: a handover whose signer this device saw removed by a device that is
 * not itself removed here (the remover's revocation came first; what the removed device signs
 * after it is refused anyway). Two devices that removed each other are both asked about.
 */
export interface DeviceRef {
  readonly deviceId: string;
  /** As the device named itself in the vault doc (device-names.ts); undefined for a device never named. */
  readonly name: string | undefined;
  /** deviceFingerprint: the code Settings shows on that device, for the person to compare. */
  readonly fingerprint: string;
  /** Another device the vault doc lists has the same name (a thief's device may take the laptop's). */
  readonly nameShared: boolean;
}

/**
 * A short code for a device id (48 bits of it, "ABCD-EF01-2345"), shown in the question and
 * on each device's Sync panel: a name is whatever the device called itself, so a device the
 * thief linked can take the laptop's; its id (the hash of its signing key) it cannot choose.
 */
export function deviceFingerprint(deviceId: string): string {
  const code = deviceId.slice(0, 12).toUpperCase();
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}`;
}

/** `by` handed this device a new key; `removed`: the devices it signed out, as far as this device read. */
export interface HandoverRemoval {
  readonly by: DeviceRef;
  readonly removed: readonly DeviceRef[];
}

export interface HandoverChoice {
  readonly removals: readonly HandoverRemoval[];
}

/** E_HANDOVER_CHOICE: the unlock stopped (the vault is locked again) until the person picks a device to keep. */
export interface HandoverChoiceError extends CodedError<'E_HANDOVER_CHOICE'> {
  readonly choice: HandoverChoice;
}

/** What this device knows besides the handovers: revocations it applied, names, the person's earlier answers. */
export interface HandoverView {
  /** The signer of the revocation (one that counts) naming `deviceId`, if any. */
  revokedBy(deviceId: string): string | undefined;
  /** The devices `signerId` signed a revocation of. */
  revokedByIt(signerId: string): readonly string[];
  name(deviceId: string): string | undefined;
  /** Whether another device the vault doc lists has `deviceId`'s name. */
  nameShared(deviceId: string): boolean;
  readonly choice: KeptDevices;
}

/** The person's answer on this device: the device kept, the signers whose handovers are refused. */
export interface KeptDevices {
  readonly kept: ReadonlySet<string>;
  readonly refused: ReadonlySet<string>;
}

export type HandoverDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'follow'; readonly handover: OfferedHandover }
  | { readonly kind: 'ask'; readonly choice: HandoverChoice };

export function decideHandover(offered: readonly OfferedHandover[], view: HandoverView): HandoverDecision {
  const { kept, refused } = view.choice;
  const removedHere = (id: string): boolean => {
    const by = view.revokedBy(id);
    return by !== undefined && view.revokedBy(by) === undefined && !refused.has(by);
  };
  const standing = offered.filter((h) => !refused.has(h.signerId) && (kept.has(h.signerId) || !removedHere(h.signerId)));
  const [first] = standing;
  if (!first) return { kind: 'none' };
  const signers = [...new Set(standing.map((h) => h.signerId))];
  if (signers.length === 1 && kept.has(first.signerId) && standing.every((h) => bytesEqual(h.key, first.key))) return { kind: 'follow', handover: first };
  const ref = (deviceId: string): DeviceRef => ({ deviceId, name: view.name(deviceId), fingerprint: deviceFingerprint(deviceId), nameShared: view.nameShared(deviceId) });
  return { kind: 'ask', choice: { removals: signers.map((id) => ({ by: ref(id), removed: view.revokedByIt(id).map(ref) })) } };
}

/** The person keeps `deviceId`: every other signer of a handover here is refused from now on. */
export function keepDevice(previous: KeptDevices, deviceId: string, offered: readonly OfferedHandover[]): KeptDevices {
  const refused = new Set([...previous.refused, ...offered.map((h) => h.signerId)]);
  refused.delete(deviceId);
  return { kept: new Set([deviceId]), refused };
}

/** The choice an E_HANDOVER_CHOICE error carries, for the unlock screen. */
export function handoverChoiceIn(error: CodedError<string>): HandoverChoice | undefined {
  return error.code === 'E_HANDOVER_CHOICE' && 'choice' in error ? (error as HandoverChoiceError).choice : undefined;
}

/** How the question names a device: its name and its code ("an unnamed device" and the code without a name). */
export function deviceLabel(device: DeviceRef): string {
  return device.name === undefined ? `an unnamed device (${device.fingerprint})` : `${device.name} (${device.fingerprint})`;
}

/**
 * "<Laptop (code)> removed <Phone (code)> from your vault", one line per removal, then one
 * warning per name that two listed devices share.
 */
export function describeRemovals(choice: HandoverChoice): string[] {
  const lines = choice.removals.map((r) =>
    r.removed.length > 0
      ? `${deviceLabel(r.by)} removed ${r.removed.map(deviceLabel).join(' and ')} from your vault`
      : `${deviceLabel(r.by)} removed a device from your vault`,
  );
  const shared = new Set(choice.removals.flatMap((r) => [r.by, ...r.removed]).flatMap((d) => (d.nameShared && d.name !== undefined ? [d.name] : [])));
  for (const name of shared) lines.push(`Two of your devices are named ${name}: keep only the one whose code matches the code its Sync panel shows`);
  return lines;
}

/**
 * The device record that keeps the answer (device-record.ts, sealed under the current vault
 * key). The answer holds for the key it was given under only: it names the key (its key id,
 * vault-doc-sealing.ts), a record under another key reads as no answer, and following the
 * kept device's handover deletes it. Otherwise "keep the laptop", said about one removal,
 * would have the kept laptop's NEXT handover (say, once the laptop is the stolen one)
 * followed without asking.
 */
export const KEPT_DEVICES_RECORD = 'handover-choice';
const FORMAT = 2;
const DEVICE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const NO_CHOICE: KeptDevices = { kept: new Set(), refused: new Set() };

/** `keyId`: the vault key the answer was given under. */
export function encodeKeptDevices(choice: KeptDevices, keyId: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, FORMAT);
  encoding.writeVarString(encoder, keyId);
  for (const ids of [choice.kept, choice.refused]) {
    encoding.writeVarUint(encoder, ids.size);
    for (const id of ids) encoding.writeVarString(encoder, id);
  }
  return encoding.toUint8Array(encoder);
}

/**
 * The stored answer if it was given under the key `keyId` names, else NO_CHOICE: bytes that
 * are not one, an answer of format 1 (which named no key) or one given under another key
 * (the person is asked again: the safe side).
 */
export function decodeKeptDevices(bytes: Uint8Array, keyId: string): KeptDevices {
  try {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== FORMAT) return NO_CHOICE;
    const givenUnder = decoding.readVarString(decoder);
    if (!KEY_ID.test(givenUnder) || givenUnder !== keyId) return NO_CHOICE;
    const read = (): Set<string> => {
      const count = decoding.readVarUint(decoder);
      if (count > 64) throw new Error('too many');
      const ids = new Set<string>();
      for (let i = 0; i < count; i++) {
        const id = decoding.readVarString(decoder);
        if (!DEVICE_ID.test(id)) throw new Error('not a device id');
        ids.add(id);
      }
      return ids;
    };
    const kept = read();
    const refused = read();
    return decoding.hasContent(decoder) ? NO_CHOICE : { kept, refused };
  } catch {
    return NO_CHOICE;
  }
}
