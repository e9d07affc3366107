import type * as Y from 'yjs';
import {
  bytesEqual,
  changePassphrase as rewrapPassphrase,
  regenerateRecoveryKey as rewrapRecoveryKey,
  sealBackup,
  unlockWithPassphrase,
  wipe,
  type VaultHeader,
  type VaultKey,
} from '../../crypto/index.ts';
import { vaultKeyId } from './vault-doc-sealing.ts';
import { isStoredVaultHeader, loadVaultHeader, replaceVaultHeader, vaultHeaderDigest } from './vault-records.ts';
import { currentRecoveryRecord, publishRecoveryRecord } from './vault-recovery.ts';
import { headerChanged, type VaultResult } from './vault-result.ts';
import { underHeaderLock, type VaultServices } from './vault-services.ts';

/**
 * What a vault stored in its header, for its other tabs (the app passes it on): `rewrapped`,
 * a new passphrase or recovery key over the same vault key, stored as the header named by
 * `digest` (VaultSecrets.adoptHeader); `rotating`, the vault key is about to be replaced.
 */
export type HeaderChange = { readonly kind: 'rewrapped'; readonly digest: string } | { readonly kind: 'rotating' };

/**
 * Which recovery key opens this device: `none` for a vault from before recovery keys were
 * shared (each device then has its own until a new one is made); otherwise the vault's,
 * numbered, and whether this device's header holds it yet (it adopts it once synced).
 */
export type RecoveryKeyState = { readonly shared: false } | { readonly shared: true; readonly version: number; readonly madeAt: number; readonly here: boolean };

/** What the secrets need of the vault: its header and key live there (a rotation replaces both). */
export interface VaultSecretsHost {
  readonly services: VaultServices;
  readonly vaultId: string;
  readonly deviceId: string;
  /** The plain vault doc, where the vault's recovery wrap is published (vault-recovery.ts). */
  readonly doc: Y.Doc;
  header(): VaultHeader;
  setHeader(header: VaultHeader): void;
  key(): VaultKey;
  /** Not locked or locking; a rotation may run. */
  live(): boolean;
  /** No rotation runs either: the header and key are the ones this tab will keep. */
  settled(): boolean;
  /** Seals what is pending in the vault doc. */
  seal(): void;
  assertUnlocked(): void;
}

/**
 * The secrets over the vault key: passphrase, recovery key and the stored header they wrap it
 * in, changed only by compare-and-swap against the header this tab holds.
 */
export class VaultSecrets {
  readonly #host: VaultSecretsHost;
  readonly #listeners = new Set<(change: HeaderChange) => void>();
  #adopting: Promise<void> = Promise.resolve();

  constructor(host: VaultSecretsHost) {
    this.#host = host;
  }

  /**
   * Whether `passphrase` opens this vault's header (full Argon2id cost); the key it yields is
   * wiped. E_VAULT_HEADER_CHANGED when another tab stored a new header since this one read it.
   */
  async checkPassphrase(passphrase: string): Promise<VaultResult<true>> {
    this.#host.assertUnlocked();
    if (!(await isStoredVaultHeader(this.#host.services.storage, this.#host.header()))) return headerChanged();
    const key = await unlockWithPassphrase(this.#host.header(), passphrase);
    if (!key.ok) return key;
    wipe(key.value);
    return { ok: true, value: true };
  }

  /**
   * A new recovery key, returned once; the old one stops working here when this resolves, and
   * on the person's other devices once they synced the vault doc (vault-recovery.ts).
   * E_VAULT_HEADER_CHANGED, storing nothing, when another tab stored a new header since this
   * one read it (the app locks this tab: its header is stale).
   */
  async regenerateRecoveryKey(): Promise<VaultResult<string>> {
    this.#host.assertUnlocked();
    return this.#exclusive(async () => {
      const next = rewrapRecoveryKey(this.#host.header(), this.#host.key());
      if (!(await this.#storeHeader(next.header))) return headerChanged();
      publishRecoveryRecord(this.#host.doc, { wrapped: next.header.recovery.wrapped, keyId: this.#keyId(), madeAt: Date.now(), madeBy: this.#host.deviceId });
      this.#host.seal();
      return { ok: true, value: next.recoveryKey };
    });
  }

  /** Re-wraps the vault key under `newPassphrase`; E_VAULT_HEADER_CHANGED as regenerateRecoveryKey. */
  async changePassphrase(newPassphrase: string): Promise<VaultResult<true>> {
    this.#host.assertUnlocked();
    return this.#exclusive(async () => {
      const next = await rewrapPassphrase(this.#host.header(), this.#host.key(), newPassphrase, this.#host.services.pwhash);
      if (!(await this.#storeHeader(next))) return headerChanged();
      return { ok: true, value: true };
    });
  }

  /** Which recovery key opens this device (Settings says so). */
  recoveryKeyState(): RecoveryKeyState {
    this.#host.assertUnlocked();
    const record = currentRecoveryRecord(this.#host.doc);
    if (!record || record.keyId !== this.#keyId()) return { shared: false };
    return { shared: true, version: record.version, madeAt: record.madeAt, here: bytesEqual(record.wrapped, this.#host.header().recovery.wrapped) };
  }

  /** The encrypted backup's seal over its section count and chain hash (crypto/backup-seal.ts); the key stays here. */
  sealBackup(count: number, chain: Uint8Array): Uint8Array {
    this.#host.assertUnlocked();
    return sealBackup(this.#host.key(), count, chain);
  }

  /** Follows what this vault stores in its header (to tell its other tabs). Returns the unsubscribe. */
  onHeaderChange(listener: (change: HeaderChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Another tab said it stored a re-wrapped header (`rewrapped`): takes the stored header as
   * this tab's if it is the one named by `digest`. False when it is not (the store changed
   * again since, e.g. a rotation): this tab's header is stale, and the app locks it.
   */
  async adoptHeader(digest: string): Promise<boolean> {
    if (!this.#host.live()) return false;
    const stored = await loadVaultHeader(this.#host.services.storage);
    if (!stored?.ok || stored.value.vaultId !== this.#host.vaultId || vaultHeaderDigest(stored.value) !== digest) return false;
    this.#host.setHeader(stored.value);
    return true;
  }

  /** Tells this vault's other tabs (through the app) what it stored. */
  announce(change: HeaderChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch {
        // A listener's failure is the app's to report; the header is stored either way.
      }
    }
  }

  /**
   * Writes this header's recovery wrap as the vault's when this is a new vault, or when the
   * vault's wraps a key that is no longer the vault key (a rotation, or one cut short after
   * its header was stored). A vault from before shared recovery keys gets none here: that
   * would silently stop the keys saved on the person's other devices.
   */
  publishRecoveryIf(newVault: boolean): void {
    const record = currentRecoveryRecord(this.#host.doc);
    const keyId = this.#keyId();
    if (!newVault && (record === undefined || record.keyId === keyId)) return;
    publishRecoveryRecord(this.#host.doc, { wrapped: this.#host.header().recovery.wrapped, keyId, madeAt: Date.now(), madeBy: this.#host.deviceId });
  }

  /** Adopts the vault's recovery wrap into this device's header whenever the vault doc brings a newer one. */
  followRecovery(): void {
    const follow = (): void => {
      this.#adopting = this.#adopting.then(() => this.#adoptRecovery()).catch(() => undefined);
    };
    this.#host.doc.on('update', follow);
    follow();
  }

  #recoveryToAdopt(): Uint8Array | undefined {
    if (!this.#host.settled()) return undefined;
    const record = currentRecoveryRecord(this.#host.doc);
    if (!record || record.keyId !== this.#keyId()) return undefined;
    const mine = this.#host.header().recovery.wrapped;
    // The header format holds a wrap of exactly this length; anything else would make it unreadable.
    return record.wrapped.length === mine.length && !bytesEqual(record.wrapped, mine) ? record.wrapped : undefined;
  }

  async #adoptRecovery(): Promise<void> {
    if (!this.#recoveryToAdopt()) return;
    await this.#exclusive(async () => {
      const wrapped = this.#recoveryToAdopt();
      // A stale header (another tab stored one) fails the swap; that tab's announcement brings it here.
      if (wrapped) await this.#storeHeader({ ...this.#host.header(), recovery: { wrapped: wrapped.slice() } });
    });
  }

  /** Compare-and-swap against the header this tab holds; on success it becomes this tab's and its other tabs hear of it. */
  async #storeHeader(next: VaultHeader): Promise<boolean> {
    if (!(await replaceVaultHeader(this.#host.services.storage, this.#host.header(), next))) return false;
    this.#host.setHeader(next);
    this.announce({ kind: 'rewrapped', digest: vaultHeaderDigest(next) });
    return true;
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    return underHeaderLock(this.#host.services, work);
  }

  #keyId(): string {
    return vaultKeyId(this.#host.key(), this.#host.vaultId);
  }
}
