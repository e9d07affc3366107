import type { PwhashParams } from '../../crypto/index.ts';
import type { BoxPersistence } from '../storage/box-persistence.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { loadVaultHeader } from './vault-records.ts';

export interface VaultServices {
  readonly storage: StorageAdapter;
  readonly boxes: BoxPersistence;
  /** Cheaper Argon2id for tests only. */
  readonly pwhash?: PwhashParams;
  /**
   * Runs `work` while no other tab of the profile runs work under the same name (the browser's
   * navigator.locks). Header changes go through it so two rotations never interleave; the
   * header's compare-and-swap (replaceVaultHeader) is what keeps a stale tab from reverting
   * one, with or without it.
   */
  readonly exclusive?: <T>(name: string, work: () => Promise<T>) => Promise<T>;
}

const HEADER_LOCK = 'obscura-vault-header';

export async function hasVault(services: VaultServices): Promise<boolean> {
  return (await loadVaultHeader(services.storage)) !== undefined;
}

/**
 * Runs `work` under the profile's header lock (VaultServices.exclusive), if the services
 * have one: first-run writes (create, link, restore) and header changes never interleave.
 */
export function underHeaderLock<T>(services: VaultServices, work: () => Promise<T>): Promise<T> {
  return services.exclusive ? services.exclusive(HEADER_LOCK, work) : work();
}
