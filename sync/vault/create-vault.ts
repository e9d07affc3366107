import { createVault as createVaultHeader, randomBytes } from '../../crypto/index.ts';
import { Vault } from './vault.ts';
import { deviceKeysFromSeeds, replaceVaultHeader, saveDeviceSeeds } from './vault-records.ts';
import { hasVault, underHeaderLock, type VaultServices } from './vault-services.ts';

/** Thrown by createVault when the profile has a vault already (made in another tab since this one looked). */
export class VaultExistsError extends Error {
  readonly code = 'E_VAULT_EXISTS';
  constructor() {
    super('This browser has a vault already (made in another tab?), so none was created.');
  }
}

/** A new vault; VaultExistsError (E_VAULT_EXISTS, nothing written) when the profile has one. */
export async function createVault(services: VaultServices, passphrase: string): Promise<{ vault: Vault; recoveryKey: string }> {
  return underHeaderLock(services, async () => {
    // Another tab of the profile may have made one since this tab showed the first-run screen:
    // its device seeds and header must not be written over.
    if (await hasVault(services)) throw new VaultExistsError();
    const { header, vaultKey, recoveryKey } = await createVaultHeader(passphrase, services.pwhash);
    const seeds = randomBytes(64);
    await saveDeviceSeeds(services.storage, vaultKey, header.vaultId, seeds);
    // The header goes last: a vault only exists once everything it needs is stored.
    if (!(await replaceVaultHeader(services.storage, undefined, header))) throw new VaultExistsError();
    return { vault: await Vault.open(services, header, vaultKey, deviceKeysFromSeeds(seeds), { newVault: true }), recoveryKey };
  });
}
