import { contentHash, randomBytes, toBase64Url, type SigningKeyPair } from '../../crypto/index.ts';

/**
 * Who writes into a box. A writer id is `<deviceId>.<session>`: the device id is derived
 * from the device's signing key (so an envelope cannot claim another device's slot) and
 * every open of a document gets a fresh session, so two tabs of one device never reuse a
 * `writerId/seq` key (same key, different value would silently drop one of them).
 */
export interface Writer {
  readonly deviceId: string;
  readonly writerId: string;
  readonly signer: SigningKeyPair;
}

export function deviceIdFor(signingPublicKey: Uint8Array): string {
  return contentHash(signingPublicKey).slice(0, 32);
}

export function newWriter(signer: SigningKeyPair): Writer {
  const deviceId = deviceIdFor(signer.publicKey);
  return { deviceId, writerId: `${deviceId}.${toBase64Url(randomBytes(9))}`, signer };
}

export function signerMatchesWriter(writerId: string, signerPublicKey: Uint8Array): boolean {
  return writerId.split('.')[0] === deviceIdFor(signerPublicKey);
}
