import { beforeAll, describe, expect, it } from 'vitest';
import { deriveSubkey, MAC_BYTES, mac, randomBytes, sodiumReady, utf8, verifyMac } from '../../../crypto/index.ts';

beforeAll(() => sodiumReady());

describe('mac / verifyMac (keyed BLAKE2b-256)', () => {
  it('a tag verifies only with its key and its exact message', () => {
    const key = deriveSubkey(randomBytes(32), 'obscura/test-mac/v1');
    const message = utf8('count and chain');
    const tag = mac(key, message);
    expect(tag).toHaveLength(MAC_BYTES);
    expect(verifyMac(key, message, tag)).toBe(true);
    expect(verifyMac(deriveSubkey(randomBytes(32), 'obscura/test-mac/v1'), message, tag)).toBe(false);
    expect(verifyMac(key, utf8('count and chaiN'), tag)).toBe(false);
    const flipped = tag.slice();
    flipped[31]! ^= 1;
    expect(verifyMac(key, message, flipped)).toBe(false);
    expect(verifyMac(key, message, tag.subarray(0, 16))).toBe(false);
  });

  it('differs from the unkeyed content hash and from a subkey of another purpose', () => {
    const root = randomBytes(32);
    const message = utf8('m');
    expect(mac(deriveSubkey(root, 'obscura/backup-seal/v1'), message)).not.toEqual(mac(deriveSubkey(root, 'obscura/other/v1'), message));
  });

  it('refuses a key that is not 32 bytes (a programmer error, thrown)', () => {
    expect(() => mac(new Uint8Array(16), utf8('m'))).toThrow(TypeError);
  });
});
