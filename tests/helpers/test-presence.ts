import { contentHash, fromHex, signingKeyPairFromSeed, utf8, type SigningKeyPair } from '../../crypto/index.ts';

/**
 * Presence for tests whose devices have no member list (bare replicateBox calls, child
 * processes): each device id stands for the signing key derived from it, so every device
 * verifies every other's presence as a member's. The app's devices use the notebook's
 * member list instead (sync/vault/vault-replicas.ts, `signingKeyOf`).
 */
export function testPresence(key: Uint8Array, deviceId: string, deviceName: string) {
  return { key, self: { deviceId, deviceName }, signer: testSigner(deviceId), signingKeyOf: (id: string) => testSigner(id).publicKey };
}

function testSigner(deviceId: string): SigningKeyPair {
  const seed = fromHex(contentHash(utf8(`test-presence:${deviceId}`)));
  if (!seed.ok) throw new Error('contentHash returned invalid hex');
  return signingKeyPairFromSeed(seed.value);
}
