import type * as Y from 'yjs';
import {
  concatBytes,
  fromBase64Url,
  fromUtf8Strict,
  lengthPrefixed,
  readU32be,
  sign,
  toBase64Url,
  u32be,
  utf8,
  verifySignature,
  type SigningKeyPair,
} from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import type { RoomMeta } from './room-meta.ts';

/**
 * Which notebook key is current: the box doc's `epochs` map, `<epoch>/<keyId>/<slot(signer)>`
 * -> the room-sealed (room-meta.ts) record, record = 0x01 ‖ signer pk (32) ‖ u32 epoch ‖ key id
 * (16) ‖ lp(cause) ‖ signature (64) over lp("obscura/key-epoch/v1") ‖ lp(notebookId) ‖ every
 * byte before the signature. Records stored in clear under `<epoch>/<keyId>/<signerDeviceId>`
 * are still read.
 *
 * Note: the current key used to be the newest by the `createdAt` its sender put in the key
 * envelope, i.e. by a sender's clock: a member could seal a key dated 2500 to another member
 * before its removal, and that key stayed current after the rotation, so the removed member
 * read what the other wrote next. Now only an owner's signed, numbered record makes a key
 * current (the highest epoch; two owners rotating at once both write the next number and
 * the smaller key id wins everywhere). A record counts while its signer is a current owner
 * nobody revoked, so a removed owner's epochs fall back. The cause says why the epoch began:
 * the device id whose removal rotated, `founded`, or `upgrade` (a notebook from before
 * epochs, numbered by its first owner device that opens it).
 */
export const KEY_EPOCH_VERSION = 1;
const DOMAIN = lengthPrefixed(utf8('obscura/key-epoch/v1'));
const SIG = 64;
const MAX_CAUSE_BYTES = 256;

export interface KeyEpoch {
  readonly epoch: number;
  readonly keyId: string;
  readonly cause: string;
  readonly signerDeviceId: string;
}

export function epochsMap(box: Y.Doc): Y.Map<Uint8Array> {
  return box.getMap<Uint8Array>('epochs');
}

function signedBytes(notebookId: string, body: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN, lengthPrefixed(utf8(notebookId)), body);
}

export function writeKeyEpoch(box: Y.Doc, notebookId: string, meta: RoomMeta, epoch: number, keyId: string, cause: string, signer: SigningKeyPair): void {
  const keyIdBytes = fromBase64Url(keyId);
  if (!keyIdBytes.ok || keyIdBytes.value.length !== 16 || !Number.isSafeInteger(epoch) || epoch < 0 || epoch > 0xffffffff) throw new Error('writeKeyEpoch: bad epoch or key id');
  const body = concatBytes(Uint8Array.of(KEY_EPOCH_VERSION), signer.publicKey, u32be(epoch), keyIdBytes.value, lengthPrefixed(utf8(cause)));
  const mapKey = `${epoch}/${keyId}/${meta.slot(deviceIdFor(signer.publicKey))}`;
  epochsMap(box).set(mapKey, meta.seal('epochs', mapKey, concatBytes(body, sign(signer.secretKey, signedBytes(notebookId, body)))));
}

/** The record under `mapKey`, either form, if it is one signed for this notebook and this very key; no trust decided. */
export function readKeyEpoch(notebookId: string, meta: RoomMeta, mapKey: string, stored: unknown): KeyEpoch | undefined {
  const value = meta.open('epochs', mapKey, stored) ?? stored;
  if (!(value instanceof Uint8Array) || value.length < 1 + 32 + 4 + 16 + 4 + SIG || value[0] !== KEY_EPOCH_VERSION) return undefined;
  const body = value.subarray(0, value.length - SIG);
  const signerPk = body.subarray(1, 33);
  const epoch = readU32be(body, 33);
  const keyId = toBase64Url(body.subarray(37, 53));
  const causeLength = readU32be(body, 53);
  if (causeLength > MAX_CAUSE_BYTES || 57 + causeLength !== body.length) return undefined;
  const signerDeviceId = deviceIdFor(signerPk);
  // In clear, the key names the device (written before room sealing); sealed, its room slot.
  const named = value === stored ? signerDeviceId : meta.slot(signerDeviceId);
  if (mapKey !== `${epoch}/${keyId}/${named}`) return undefined;
  const cause = fromUtf8Strict(body.subarray(57));
  if (!cause.ok || !verifySignature(signerPk, signedBytes(notebookId, body), value.subarray(value.length - SIG))) return undefined;
  return { epoch, keyId, cause: cause.value, signerDeviceId };
}

/** The highest epoch any readable record names, counted or not, so a new epoch is always above it. */
export function highestEpoch(box: Y.Doc, notebookId: string, meta: RoomMeta): number {
  let highest = 0;
  epochsMap(box).forEach((value, key) => {
    highest = Math.max(highest, readKeyEpoch(notebookId, meta, key, value)?.epoch ?? 0);
  });
  return highest;
}

/** The epoch records give `keyId` (the highest, whoever signed it); 0 for a key none names (made before epochs). */
export function epochOfKey(box: Y.Doc, notebookId: string, meta: RoomMeta, keyId: string): number {
  let epoch = 0;
  epochsMap(box).forEach((value, key) => {
    const record = readKeyEpoch(notebookId, meta, key, value);
    if (record?.keyId === keyId) epoch = Math.max(epoch, record.epoch);
  });
  return epoch;
}

/** Every record whose signer `counts` (members.ts: a current, unrevoked owner), highest epoch first, then smallest key id. */
export function countedEpochs(box: Y.Doc, notebookId: string, meta: RoomMeta, counts: (signerDeviceId: string) => boolean): KeyEpoch[] {
  const out: KeyEpoch[] = [];
  epochsMap(box).forEach((value, key) => {
    const record = readKeyEpoch(notebookId, meta, key, value);
    if (record && counts(record.signerDeviceId)) out.push(record);
  });
  return out.sort((a, b) => b.epoch - a.epoch || (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
}
