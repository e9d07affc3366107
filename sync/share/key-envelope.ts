import type * as Y from 'yjs';
import {
  concatBytes,
  fromHex,
  lengthPrefixed,
  openSealedBox,
  readU64be,
  sealToPublicKey,
  sign,
  toHex,
  u64be,
  utf8,
  verifySignature,
  type BoxKeyPair,
  type SigningKeyPair,
} from '../../crypto/index.ts';
import type { RoomMeta } from './room-meta.ts';

/**
 * A notebook key handed to one member device through the box: the box doc's `keys` map,
 * `<slot(recipient)>/<keyId>` -> the room-sealed (room-meta.ts) recipient device id (16) ‖
 * envelope, envelope = version ‖ signer pk ‖ sealToPublicKey(recipient box pk, key ‖ u64
 * createdAt) ‖ signature. Entries from before room sealing (`<recipientDeviceId>/<keyId>` ->
 * envelope) are still read.
 *
 * Note: a sealed box is anonymous, and anyone who can write to the box (a relay, a removed
 * member) can seal a key to a member's public box key. Without the signature such a key
 * would become the member's current key and everything it writes next would be readable
 * by whoever planted it. The reader checks that the signer is a current member.
 */
export const KEY_ENVELOPE_VERSION = 1;
const DOMAIN = lengthPrefixed(utf8('obscura/key-envelope/v1'));
const SIG = 64;

export function keysMap(box: Y.Doc): Y.Map<Uint8Array> {
  return box.getMap<Uint8Array>('keys');
}

export interface KeyEnvelopePlace {
  readonly notebookId: string;
  readonly recipientDeviceId: string;
  readonly keyId: string;
}

export interface OpenedKey {
  readonly key: Uint8Array;
  readonly createdAt: number;
  readonly signerPublicKey: Uint8Array;
}

function signedBytes(place: KeyEnvelopePlace, body: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN, lengthPrefixed(utf8(place.notebookId)), lengthPrefixed(utf8(place.recipientDeviceId)), lengthPrefixed(utf8(place.keyId)), body);
}

export function sealKeyEnvelope(place: KeyEnvelopePlace, recipientBoxPk: Uint8Array, key: Uint8Array, createdAt: number, signer: SigningKeyPair): Uint8Array {
  const sealed = sealToPublicKey(recipientBoxPk, concatBytes(key, u64be(createdAt)));
  const body = concatBytes(new Uint8Array([KEY_ENVELOPE_VERSION]), signer.publicKey, sealed);
  return concatBytes(body, sign(signer.secretKey, signedBytes(place, body)));
}

/** The signer of a key envelope for this place, checked without opening it (undefined if it is not one). */
export function keyEnvelopeSigner(value: unknown, place: KeyEnvelopePlace): Uint8Array | undefined {
  if (!(value instanceof Uint8Array) || value.length < 1 + 32 + 48 + 40 + SIG || value[0] !== KEY_ENVELOPE_VERSION) return undefined;
  const signerPublicKey = value.slice(1, 33);
  return verifySignature(signerPublicKey, signedBytes(place, value.subarray(0, value.length - SIG)), value.subarray(value.length - SIG)) ? signerPublicKey : undefined;
}

/** The place a `keys` map key names, or undefined when it is not `<deviceId>/<keyId>`. */
export function keyEnvelopePlace(notebookId: string, mapKey: string): KeyEnvelopePlace | undefined {
  const match = /^([0-9a-f]{32})\/([A-Za-z0-9_-]{22})$/.exec(mapKey);
  return match ? { notebookId, recipientDeviceId: match[1] as string, keyId: match[2] as string } : undefined;
}

export interface KeyEnvelopeEntry {
  readonly mapKey: string;
  readonly place: KeyEnvelopePlace;
  /** The envelope itself (signed for `place`): keyEnvelopeSigner, openKeyEnvelope. */
  readonly envelope: Uint8Array;
}

/** One `keys` entry, either form, with the place it is for; undefined when it is not one (no signature checked). */
export function readKeyEnvelopeEntry(notebookId: string, meta: RoomMeta, mapKey: string, value: unknown): KeyEnvelopeEntry | undefined {
  const v1 = keyEnvelopePlace(notebookId, mapKey);
  if (v1) return value instanceof Uint8Array ? { mapKey, place: v1, envelope: value } : undefined;
  const match = /^([A-Za-z0-9_-]{1,64})\/([A-Za-z0-9_-]{22})$/.exec(mapKey);
  const inner = match && meta.open('keys', mapKey, value);
  if (!match || !inner || inner.length < 16) return undefined;
  const recipientDeviceId = toHex(inner.subarray(0, 16));
  if (meta.slot(recipientDeviceId) !== match[1]) return undefined;
  return { mapKey, place: { notebookId, recipientDeviceId, keyId: match[2] as string }, envelope: inner.slice(16) };
}

export function keyEnvelopeEntries(box: Y.Doc, notebookId: string, meta: RoomMeta): KeyEnvelopeEntry[] {
  const out: KeyEnvelopeEntry[] = [];
  keysMap(box).forEach((value, mapKey) => {
    const entry = readKeyEnvelopeEntry(notebookId, meta, mapKey, value);
    if (entry) out.push(entry);
  });
  return out;
}

/** Seals `key` to a member device and stores it under its room slot. */
export function putKeyEnvelope(box: Y.Doc, meta: RoomMeta, place: KeyEnvelopePlace, recipientBoxPk: Uint8Array, key: Uint8Array, createdAt: number, signer: SigningKeyPair): void {
  const recipient = fromHex(place.recipientDeviceId);
  if (!recipient.ok || recipient.value.length !== 16) throw new Error('putKeyEnvelope: recipient is not a device id');
  const mapKey = `${meta.slot(place.recipientDeviceId)}/${place.keyId}`;
  keysMap(box).set(mapKey, meta.seal('keys', mapKey, concatBytes(recipient.value, sealKeyEnvelope(place, recipientBoxPk, key, createdAt, signer))));
}

/** Whether the box holds an envelope of `keyId` for the device, in either form. */
export function hasKeyEnvelope(box: Y.Doc, meta: RoomMeta, recipientDeviceId: string, keyId: string): boolean {
  return keysMap(box).has(`${recipientDeviceId}/${keyId}`) || keysMap(box).has(`${meta.slot(recipientDeviceId)}/${keyId}`);
}

/** Deletes every envelope for the device (a used, withdrawn or expired invite), in either form. */
export function dropKeyEnvelopes(box: Y.Doc, notebookId: string, meta: RoomMeta, recipientDeviceId: string): void {
  const gone = keyEnvelopeEntries(box, notebookId, meta).filter((entry) => entry.place.recipientDeviceId === recipientDeviceId);
  if (gone.length > 0) box.transact(() => gone.forEach((entry) => keysMap(box).delete(entry.mapKey)));
}

/** Undefined when the value is not a key envelope for this place, signed and sealed to us. */
export function openKeyEnvelope(value: unknown, place: KeyEnvelopePlace, recipient: BoxKeyPair): OpenedKey | undefined {
  const signerPublicKey = keyEnvelopeSigner(value, place);
  if (!signerPublicKey || !(value instanceof Uint8Array)) return undefined;
  const opened = openSealedBox(recipient, value.subarray(33, value.length - SIG));
  if (!opened.ok || opened.value.length !== 40) return undefined;
  const createdAt = readU64be(opened.value, 32);
  if (createdAt === null) return undefined;
  return { key: opened.value.slice(0, 32), createdAt, signerPublicKey };
}
