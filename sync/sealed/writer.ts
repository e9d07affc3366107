import { contentHash, randomBytes, toBase64Url, type SigningKeyPair } from '../../crypto/index.ts';

/**
 * Who writes into a box. A writer id is `<slot>.<session>`: the slot is derived from the
 * device's signing key (so an envelope cannot claim another device's slot), and every open of
 * a document gets a fresh session, so two tabs of one device never reuse a `writerId/seq` key
 * (same key, different value would silently drop one of them).
 * Note: the slot is the device id passed through the doc's `WriterSlot` (a keyed hash under a
 * secret of the room), so a relay that sees the box keys of several rooms cannot tell that one
 * device writes in all of them. Entries written before that use the device id itself.
 */
export type WriterSlot = (deviceId: string) => string;

export const deviceIdSlot: WriterSlot = (deviceId) => deviceId;
export interface Writer {
  readonly deviceId: string;
  readonly writerId: string;
  readonly signer: SigningKeyPair;
}

export function deviceIdFor(signingPublicKey: Uint8Array): string {
  return contentHash(signingPublicKey).slice(0, 32);
}

export function newWriter(signer: SigningKeyPair, slot: WriterSlot = deviceIdSlot): Writer {
  const deviceId = deviceIdFor(signer.publicKey);
  return { deviceId, writerId: `${slot(deviceId)}.${toBase64Url(randomBytes(9))}`, signer };
}

/** Whether `signerPublicKey` owns the writer's slot: under `slot`, or (written before slots) by device id. */
export function signerMatchesWriter(writerId: string, signerPublicKey: Uint8Array, slot: WriterSlot = deviceIdSlot): boolean {
  const deviceId = deviceIdFor(signerPublicKey);
  const written = writerId.split('.')[0];
  return written === deviceId || written === slot(deviceId);
}
