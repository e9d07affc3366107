import { randomBytes, unlockWithPassphrase, unlockWithRecoveryKey } from '../../crypto/index.ts';
import { describeRemovals, type HandoverChoiceError } from './handover-choice.ts';
import { Vault } from './vault.ts';
import { vaultKeyId } from './vault-doc-sealing.ts';
import { deviceKeysFromSeeds, loadDeviceKeys, loadVaultHeader, saveDeviceSeeds } from './vault-records.ts';
import type { VaultResult } from './vault-result.ts';
import { settleRotation } from './vault-rotation-journal.ts';
import type { VaultServices } from './vault-services.ts';

/**
 * `newPassphrase` beside a recovery key: wraps the key another device handed this one, when
 * one waits (only a passphrase can; the recovery key that comes with it is the vault's).
 */
export type UnlockSecret = ({ readonly passphrase: string } | { readonly recoveryKey: string; readonly newPassphrase?: string }) & {
  /**
   * The device the person keeps when the unlock asked (E_HANDOVER_CHOICE): its handover is
   * followed (now, or when it arrives), every other one here refused (handover-choice.ts).
   */
  readonly keep?: string;
};

export async function unlockVault(services: VaultServices, secret: UnlockSecret): Promise<VaultResult<Vault>> {
  const header = await loadVaultHeader(services.storage);
  if (!header) return { ok: false, error: { code: 'E_NO_VAULT', message: 'There is no vault on this device yet.' } };
  if (!header.ok) return header;
  const key = 'passphrase' in secret
    ? await unlockWithPassphrase(header.value, secret.passphrase)
    : await unlockWithRecoveryKey(header.value, secret.recoveryKey);
  if (!key.ok) return key;
  // A vault-key rotation that was cut short: finish it (the new key opened) or undo it (the old one did).
  await settleRotation(services.storage, services.boxes, vaultKeyId(key.value, header.value.vaultId));
  let device = await loadDeviceKeys(services.storage, key.value, header.value.vaultId);
  if (!device) {
    // A header without device keys (e.g. restored from a backup): this device gets new ones.
    const seeds = randomBytes(64);
    await saveDeviceSeeds(services.storage, key.value, header.value.vaultId, seeds);
    device = { ok: true, value: deviceKeysFromSeeds(seeds) };
  }
  if (!device.ok) return device;
  const vault = await Vault.open(services, header.value, key.value, device.value);
  if (secret.keep !== undefined) {
    const kept = await vault.handover.keepDevice(secret.keep);
    if (!kept.ok) {
      await vault.lock();
      return kept;
    }
  }
  // Another device removed one and handed this one a new vault key. The person says which
  // device to keep before any is followed: the handover may be the thief's.
  const choice = vault.handover.choice();
  if (choice) {
    await vault.lock();
    const error: HandoverChoiceError = { code: 'E_HANDOVER_CHOICE', message: `${describeRemovals(choice).join('. ')}. Which device do you keep?`, choice };
    return { ok: false, error };
  }
  // The kept device's handover: take it up now, while a passphrase is here to wrap it. With
  // the recovery key, the person chooses a new one.
  if (vault.handover.waiting()) {
    if (!('passphrase' in secret) && secret.newPassphrase === undefined) {
      await vault.lock();
      return {
        ok: false,
        error: { code: 'E_HANDOVER_PASSPHRASE', message: 'Another of your devices removed one and handed this one a new vault key: choose a new passphrase to take it up.' },
      };
    }
    const followed = await vault.handover.follow('passphrase' in secret ? secret.passphrase : { recoveryKey: secret.recoveryKey, newPassphrase: secret.newPassphrase ?? '' });
    if (!followed.ok) {
      await vault.lock();
      return followed;
    }
  }
  return { ok: true, value: vault };
}
