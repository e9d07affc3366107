import * as Y from 'yjs';
import {
  createVault as createVaultHeader,
  changePassphrase as rewrapPassphrase,
  deriveId,
  fromBase64Url,
  randomBytes,
  toBase64Url,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
  wipe,
  type CryptoErrorCode,
  type PwhashParams,
  type VaultHeader,
  type VaultKey,
} from '../../crypto/index.ts';
import { createKeyring } from '../sealed/keyring.ts';
import { SealedDoc } from '../sealed/sealed-doc.ts';
import { deviceIdFor, newWriter } from '../sealed/writer.ts';
import type { SharedNotebook } from '../share/rotate-key.ts';
import { openSharedNotebook, startSharing, type DeviceIdentity } from '../share/shared-notebook.ts';
import type { BoxHandle, BoxPersistence } from '../storage/box-persistence.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { addNotebook, listNotebooks, notebookKeys, registerDevice, renameNotebook, type NotebookInfo } from './vault-doc.ts';
import { deviceKeysFromSeeds, loadDeviceKeys, loadVaultHeader, saveDeviceSeeds, saveVaultHeader, type DeviceKeys } from './vault-records.ts';

export interface VaultServices {
  readonly storage: StorageAdapter;
  readonly boxes: BoxPersistence;
  /** Cheaper Argon2id for tests only. */
  readonly pwhash?: PwhashParams;
}

export type VaultErrorCode = CryptoErrorCode | 'E_NO_VAULT' | 'E_NOTEBOOK_UNKNOWN' | 'E_NOT_SHARED';
export type VaultResult<T> = { ok: true; value: T } | { ok: false; error: { code: VaultErrorCode; message: string } };

export interface OpenNotebook {
  readonly id: string;
  /** The plain doc: in memory only, dropped on close. */
  readonly doc: Y.Doc;
  readonly sealed: SealedDoc;
  /** Members, keys and rotation (sync/share). */
  readonly shared: SharedNotebook;
  /** Seals what is pending and resolves once it is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function hasVault(services: VaultServices): Promise<boolean> {
  return (await loadVaultHeader(services.storage)) !== undefined;
}

export async function createVault(services: VaultServices, passphrase: string): Promise<{ vault: Vault; recoveryKey: string }> {
  const { header, vaultKey, recoveryKey } = await createVaultHeader(passphrase, services.pwhash);
  const seeds = randomBytes(64);
  await saveDeviceSeeds(services.storage, vaultKey, header.vaultId, seeds);
  // The header goes last: a vault only exists once everything it needs is stored.
  await saveVaultHeader(services.storage, header);
  return { vault: await Vault.open(services, header, vaultKey, deviceKeysFromSeeds(seeds)), recoveryKey };
}

export async function unlockVault(
  services: VaultServices,
  secret: { passphrase: string } | { recoveryKey: string },
): Promise<VaultResult<Vault>> {
  const header = await loadVaultHeader(services.storage);
  if (!header) return { ok: false, error: { code: 'E_NO_VAULT', message: 'There is no vault on this device yet.' } };
  if (!header.ok) return header;
  const key = 'passphrase' in secret
    ? await unlockWithPassphrase(header.value, secret.passphrase)
    : await unlockWithRecoveryKey(header.value, secret.recoveryKey);
  if (!key.ok) return key;
  let device = await loadDeviceKeys(services.storage, key.value, header.value.vaultId);
  if (!device) {
    // A header without device keys (e.g. restored from a backup): this device gets new ones.
    const seeds = randomBytes(64);
    await saveDeviceSeeds(services.storage, key.value, header.value.vaultId, seeds);
    device = { ok: true, value: deviceKeysFromSeeds(seeds) };
  }
  if (!device.ok) return device;
  return { ok: true, value: await Vault.open(services, header.value, key.value, device.value) };
}

/** An unlocked vault: holds the keys until lock() wipes them. */
export class Vault {
  readonly #services: VaultServices;
  #header: VaultHeader;
  readonly #key: VaultKey;
  readonly #device: DeviceKeys;
  readonly #doc: Y.Doc;
  readonly #sealed: SealedDoc;
  readonly #box: Y.Doc;
  readonly #boxHandle: BoxHandle;
  readonly #open = new Map<string, OpenNotebook>();
  #locked = false;

  private constructor(services: VaultServices, header: VaultHeader, key: VaultKey, device: DeviceKeys, doc: Y.Doc, box: Y.Doc, sealed: SealedDoc, handle: BoxHandle) {
    this.#services = services;
    this.#header = header;
    this.#key = key;
    this.#device = device;
    this.#doc = doc;
    this.#box = box;
    this.#sealed = sealed;
    this.#boxHandle = handle;
  }

  static async open(services: VaultServices, header: VaultHeader, key: VaultKey, device: DeviceKeys): Promise<Vault> {
    const box = new Y.Doc();
    const handle = await services.boxes.open(`obscura-vault-${header.vaultId}`, box);
    const doc = new Y.Doc();
    const writer = newWriter(device.signing);
    const keyId = derivedKeyId(key, 'vault-key-id', header.vaultId);
    const sealed = new SealedDoc({
      docId: `vault:${header.vaultId}`,
      plain: doc,
      box,
      keyring: createKeyring(new Map([[keyId, key]]), keyId),
      writer,
      purposes: { update: 'vault-update', snapshot: 'vault-snapshot' },
      onCompact: () => void handle.compact(),
    });
    registerDevice(doc, writer.deviceId, device.signing.publicKey, device.box.publicKey);
    sealed.flush();
    return new Vault(services, header, key, device, doc, box, sealed, handle);
  }

  get vaultId(): string {
    return this.#header.vaultId;
  }

  get locked(): boolean {
    return this.#locked;
  }

  /** The plain vault doc; subscribe to its `update` event to follow notebook list changes. */
  get doc(): Y.Doc {
    return this.#doc;
  }

  get quarantined(): number {
    return this.#sealed.quarantine.size;
  }

  notebooks(): NotebookInfo[] {
    return listNotebooks(this.#doc);
  }

  createNotebook(name: string): string {
    const id = addNotebook(this.#doc, name);
    this.#sealed.flush();
    return id;
  }

  renameNotebook(id: string, name: string): void {
    renameNotebook(this.#doc, id, name);
    this.#sealed.flush();
  }

  /**
   * Opens a notebook with member trust (sync/share): only envelopes signed by a current
   * member device are applied, keys can arrive while it is open, and this person's other
   * devices are added as members. A notebook made before sharing existed gets this device
   * as its founder.
   */
  async openNotebook(id: string): Promise<VaultResult<OpenNotebook>> {
    this.#assertUnlocked();
    const already = this.#open.get(id);
    if (already) return { ok: true, value: already };
    if (!notebookKeys(this.#doc, id)) return { ok: false, error: { code: 'E_NOTEBOOK_UNKNOWN', message: `No notebook ${id} in this vault.` } };
    const identity = this.#identity();
    startSharing(this.#doc, id, identity);
    const box = new Y.Doc();
    const handle = await this.#services.boxes.open(notebookBoxName(this.#key, id), box);
    const shared = openSharedNotebook(id, this.#doc, box, identity, { onCompact: () => void handle.compact() });
    if (!shared.ok) {
      await handle.close();
      return shared;
    }
    const { plain: doc, sealed, keyring } = shared.value;
    const notebook: OpenNotebook = {
      id,
      doc,
      sealed,
      shared: shared.value,
      flush: async () => {
        sealed.flush();
        await handle.flushed();
      },
      close: async () => {
        this.#open.delete(id);
        shared.value.close();
        await handle.close();
        box.destroy();
        keyring.wipe();
      },
    };
    this.#sealed.flush();
    this.#open.set(id, notebook);
    return { ok: true, value: notebook };
  }

  #identity(): DeviceIdentity {
    return { deviceId: deviceIdFor(this.#device.signing.publicKey), signing: this.#device.signing, box: this.#device.box };
  }

  /** Seals everything pending and waits until it is on disk. */
  async flush(): Promise<void> {
    this.#sealed.flush();
    await Promise.all([this.#boxHandle.flushed(), ...[...this.#open.values()].map((notebook) => notebook.flush())]);
  }

  async changePassphrase(newPassphrase: string): Promise<void> {
    this.#assertUnlocked();
    this.#header = await rewrapPassphrase(this.#header, this.#key, newPassphrase, this.#services.pwhash);
    await saveVaultHeader(this.#services.storage, this.#header);
  }

  /** Flushes, closes every document and wipes every key this object holds. */
  async lock(): Promise<void> {
    if (this.#locked) return;
    for (const notebook of [...this.#open.values()]) await notebook.close();
    this.#sealed.destroy();
    await this.#boxHandle.close();
    this.#doc.destroy();
    this.#box.destroy();
    wipe(this.#key);
    wipe(this.#device.seeds);
    wipe(this.#device.signing.secretKey);
    wipe(this.#device.box.secretKey);
    this.#locked = true;
  }

  #assertUnlocked(): void {
    if (this.#locked) throw new Error('vault is locked');
  }
}

/** Box names on disk are keyed hashes, so IndexedDB never lists a notebook id or name. */
function notebookBoxName(vaultKey: VaultKey, notebookId: string): string {
  return `obscura-box-${deriveId(vaultKey, 'notebook-box', notebookId).slice(0, 32)}`;
}

function derivedKeyId(key: Uint8Array, purpose: string, input: string): string {
  const bytes = fromBase64Url(deriveId(key, purpose, input));
  if (!bytes.ok) throw new Error('deriveId returned invalid base64url');
  return toBase64Url(bytes.value.subarray(0, 16));
}
