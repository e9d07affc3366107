import type { VaultKey } from '../../crypto/index.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { loadDeviceRecord, removeDeviceRecord, saveDeviceRecord } from './device-record.ts';
import { loadSearchIndex, saveSearchIndex } from './search-index-record.ts';
import type { VaultResult } from './vault-result.ts';

/** What the device records need of the vault. */
export interface VaultDeviceRecordsHost {
  readonly storage: StorageAdapter;
  readonly vaultId: string;
  key(): VaultKey;
  /** The key box database names (and search index names) derive from. */
  boxNameKey(): VaultKey;
  /** Resolves once no vault-key rotation runs: it re-seals every record, so one written meanwhile would be lost or sealed under the old key. */
  rotationDone(): Promise<void>;
  assertUnlocked(): void;
}

/** Records only this device keeps, sealed under the vault key (device-record.ts, search-index-record.ts). */
export class VaultDeviceRecords {
  readonly #host: VaultDeviceRecordsHost;

  constructor(host: VaultDeviceRecordsHost) {
    this.#host = host;
  }

  async save(name: string, bytes: Uint8Array): Promise<void> {
    await this.#host.rotationDone();
    this.#host.assertUnlocked();
    await saveDeviceRecord(this.#host.storage, this.#host.key(), this.#host.vaultId, name, bytes);
  }

  async load(name: string): Promise<VaultResult<Uint8Array> | undefined> {
    await this.#host.rotationDone();
    this.#host.assertUnlocked();
    return loadDeviceRecord(this.#host.storage, this.#host.key(), this.#host.vaultId, name);
  }

  async remove(name: string): Promise<void> {
    this.#host.assertUnlocked();
    await removeDeviceRecord(this.#host.storage, name);
  }

  /** Keeps a notebook's search index (ml/search/index-snapshot.ts bytes) sealed on this device (search-index-record.ts). */
  async saveSearchIndex(notebookId: string, index: Uint8Array): Promise<void> {
    await this.#host.rotationDone();
    this.#host.assertUnlocked();
    await saveSearchIndex(this.#host.storage, this.#keys(), this.#host.vaultId, notebookId, index);
  }

  /** undefined when none is kept; an error when it does not open (another vault or notebook, damaged): the caller rebuilds. */
  async loadSearchIndex(notebookId: string): Promise<VaultResult<Uint8Array> | undefined> {
    await this.#host.rotationDone();
    this.#host.assertUnlocked();
    return loadSearchIndex(this.#host.storage, this.#keys(), this.#host.vaultId, notebookId);
  }

  #keys(): { vault: VaultKey; names: VaultKey } {
    return { vault: this.#host.key(), names: this.#host.boxNameKey() };
  }
}
