import { deriveId, fromBase64Url, signingKeyPairFromSeed, type SigningKeyPair } from '../../crypto/index.ts';

/**
 * The Ed25519 keys behind a room's relay write capability. The write key comes from the
 * room's current notebook key (or the vault key, for the vault room), so everyone who holds
 * that key can write and nobody else; the admin key, which sets the room's policy, comes from
 * a seed only the founder's vault holds (sync/vault-doc/vault-doc.ts `relayAdminSeed`).
 */
export function roomWriteKey(currentKey: Uint8Array, roomId: string): SigningKeyPair {
  return fromSeed(deriveId(currentKey, 'relay-write', roomId));
}

export function roomAdminKey(adminSeed: Uint8Array, roomId: string): SigningKeyPair {
  return fromSeed(deriveId(adminSeed, 'relay-admin', roomId));
}

function fromSeed(seed: string): SigningKeyPair {
  const bytes = fromBase64Url(seed);
  if (!bytes.ok) throw new Error('deriveId returned invalid base64url');
  return signingKeyPairFromSeed(bytes.value);
}
