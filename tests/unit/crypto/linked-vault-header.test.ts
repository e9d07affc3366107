import { beforeAll, describe, expect, it } from 'vitest';
import {
  bytesEqual,
  createVault,
  decodeVaultHeader,
  encodeVaultHeader,
  sodiumReady,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
  wrapLinkedVaultKey,
} from '../../../crypto/index.ts';
import { expectCode, expectOk, FAST_PWHASH } from './helpers.ts';

beforeAll(async () => {
  await sodiumReady();
});

describe('wrapLinkedVaultKey', () => {
  it('wraps the same vault key and id under a new passphrase and a fresh recovery key; the original header still works and neither secret opens the other', async () => {
    const original = await createVault('first device', FAST_PWHASH);
    const linked = await wrapLinkedVaultKey(original.header.vaultId, original.vaultKey, 'second device', FAST_PWHASH);
    expect(linked.header.vaultId).toBe(original.header.vaultId);
    expect(linked.recoveryKey).not.toBe(original.recoveryKey);
    const stored = expectOk(decodeVaultHeader(encodeVaultHeader(linked.header)));
    expect(bytesEqual(expectOk(await unlockWithPassphrase(stored, 'second device')), original.vaultKey)).toBe(true);
    expect(bytesEqual(expectOk(await unlockWithRecoveryKey(stored, linked.recoveryKey)), original.vaultKey)).toBe(true);
    expectCode(await unlockWithPassphrase(stored, 'first device'), 'E_PASSPHRASE');
    expectCode(await unlockWithRecoveryKey(stored, original.recoveryKey), 'E_RECOVERY_KEY');
    expect(bytesEqual(expectOk(await unlockWithPassphrase(original.header, 'first device')), original.vaultKey)).toBe(true);
  });

  it('refuses a vault id that is not 16 bytes of base64url', async () => {
    const { vaultKey } = await createVault('x', FAST_PWHASH);
    await expect(wrapLinkedVaultKey('not/an id', vaultKey, 'p', FAST_PWHASH)).rejects.toThrow(TypeError);
  });
});
