import type * as Y from 'yjs';
import { concatBytes, fromHex, lengthPrefixed, readU64be, sign, toHex, u64be, utf8, verifySignature, type SigningKeyPair } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import type { RoomMeta } from './room-meta.ts';

/**
 * Removals, readable without any notebook key: the box doc's `revocations` map,
 * `<slot(removed)>/<slot(signer)>` -> room-sealed (room-meta.ts) removed device id (16) ‖
 * revocation, revocation = signer pk (32) ‖ u64 removedAt ‖ signature (64) over
 * lp("obscura/revocation/v1") ‖ lp(notebookId) ‖ lp(removedDeviceId) ‖ u64 removedAt.
 * Entries from before room sealing (`<removedDeviceId>/<signerDeviceId>` -> revocation) are
 * still read.
 *
 * Note: the member list's `removedAt` alone is not enough. It is in the plain doc, and a
 * rotation seals it (with everything else) under the NEW key, so a member that has not
 * picked up that key yet would keep trusting the removed device: apply what it writes
 * after its removal and accept a key envelope it plants. A revocation is signed, sealed only
 * under the room's key (which every member holds), never compacted. It counts when its signer
 * is an owner (per the member list) that is not removed. Note: only owners, because a
 * revocation is enforced before anyone can read the member list's current state: if any
 * member's counted, a removed member could revoke the member who removed it, and members who
 * have not picked up the new key would then refuse the very snapshot that tells them who was
 * removed. Owners trust each other.
 */
export function revocationsMap(box: Y.Doc): Y.Map<Uint8Array> {
  return box.getMap<Uint8Array>('revocations');
}

const REVOCATION_BYTES = 32 + 8 + 64;

function signedBytes(notebookId: string, removedDeviceId: string, removedAt: Uint8Array): Uint8Array {
  return concatBytes(lengthPrefixed(utf8('obscura/revocation/v1')), lengthPrefixed(utf8(notebookId)), lengthPrefixed(utf8(removedDeviceId)), removedAt);
}

export function writeRevocation(box: Y.Doc, notebookId: string, meta: RoomMeta, removedDeviceId: string, signer: SigningKeyPair, removedAt = Date.now()): void {
  const removed = fromHex(removedDeviceId);
  if (!removed.ok || removed.value.length !== 16) throw new Error('writeRevocation: not a device id');
  const at = u64be(removedAt);
  const revocation = concatBytes(signer.publicKey, at, sign(signer.secretKey, signedBytes(notebookId, removedDeviceId, at)));
  const mapKey = `${meta.slot(removedDeviceId)}/${meta.slot(deviceIdFor(signer.publicKey))}`;
  revocationsMap(box).set(mapKey, meta.seal('revocations', mapKey, concatBytes(removed.value, revocation)));
}

export interface Revocation {
  readonly removedDeviceId: string;
  readonly signerDeviceId: string;
}

const verified = new WeakMap<Uint8Array, string>();

/** The revocation under `mapKey`, either form, if its signature holds for this notebook; whether its signer counts is the caller's. */
export function readRevocation(notebookId: string, meta: RoomMeta, mapKey: string, value: unknown): Revocation | undefined {
  const [first, second, ...rest] = mapKey.split('/');
  if (!first || !second || rest.length > 0 || !(value instanceof Uint8Array)) return undefined;
  let removedDeviceId = first;
  let revocation = value;
  if (!/^[0-9a-f]{32}$/.test(first)) {
    const inner = meta.open('revocations', mapKey, value);
    if (!inner || inner.length !== 16 + REVOCATION_BYTES) return undefined;
    removedDeviceId = toHex(inner.subarray(0, 16));
    revocation = inner.subarray(16);
    if (meta.slot(removedDeviceId) !== first) return undefined;
  }
  if (revocation.length !== REVOCATION_BYTES || readU64be(revocation, 32) === null) return undefined;
  const signerPk = revocation.subarray(0, 32);
  const signerDeviceId = deviceIdFor(signerPk);
  if (second !== signerDeviceId && second !== meta.slot(signerDeviceId)) return undefined;
  // Verifying costs ~50 us; trust is asked once per envelope, so remember good values.
  const memo = `${notebookId}/${mapKey}`;
  if (verified.get(value) !== memo) {
    if (!verifySignature(signerPk, signedBytes(notebookId, removedDeviceId, revocation.subarray(32, 40)), revocation.subarray(40))) return undefined;
    verified.set(value, memo);
  }
  return { removedDeviceId, signerDeviceId };
}

export function revocationIsSigned(notebookId: string, meta: RoomMeta, mapKey: string, value: unknown): boolean {
  return readRevocation(notebookId, meta, mapKey, value) !== undefined;
}

/** Every revocation whose signature holds, either form. */
export function listRevocations(box: Y.Doc, notebookId: string, meta: RoomMeta): Revocation[] {
  const out: Revocation[] = [];
  revocationsMap(box).forEach((value, mapKey) => {
    const revocation = readRevocation(notebookId, meta, mapKey, value);
    if (revocation) out.push(revocation);
  });
  return out;
}

/**
 * True when a revocation of `deviceId` in this box is signed by a device for which
 * `countsFrom` says yes (members.ts passes: an owner that is not removed).
 */
export function isRevoked(box: Y.Doc, notebookId: string, meta: RoomMeta, deviceId: string, countsFrom: (signerDeviceId: string) => boolean): boolean {
  return listRevocations(box, notebookId, meta).some((r) => r.removedDeviceId === deviceId && countsFrom(r.signerDeviceId));
}
