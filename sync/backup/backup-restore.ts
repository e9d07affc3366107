import * as Y from 'yjs';
import {
  asVaultKey,
  decodeVaultHeader,
  randomBytes,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
  wipe,
  type Result,
  type VaultHeader,
  type VaultKey,
} from '../../crypto/index.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import { pieceCount, pieceLength, pieceOffset } from '../blob/blob-layout.ts';
import { MemoryBoxPersistence } from '../storage/memory-box-persistence.ts';
import { MemoryStorageAdapter } from '../storage/memory-storage-adapter.ts';
import { deviceKeysFromSeeds, loadDeviceKeys, replaceVaultHeader, saveDeviceSeeds } from '../vault/vault-records.ts';
import { vaultBoxName } from '../vault/vault-rotation-journal.ts';
import { Vault } from '../vault/vault.ts';
import type { VaultErrorCode } from '../vault/vault-result.ts';
import { hasVault, underHeaderLock, type VaultServices } from '../vault/vault-services.ts';
import { DEVICE_RECORD_KEY, type BackupErrorCode } from './backup-format.ts';
import { scanBackup, type BackupIndex, type ByteSource, type SectionRef } from './backup-reader.ts';
import { verifyBackupSeal } from '../../crypto/index.ts';
import { RecordingBoxPersistence } from './recording-box-persistence.ts';

export type RestoreErrorCode = BackupErrorCode | VaultErrorCode | 'E_STORAGE_FULL' | 'E_HASH_MISMATCH' | 'E_BLOB_PIECE';
export type RestoreResult<T> = Result<T, RestoreErrorCode>;

export type RestoreProgress =
  | { readonly phase: 'checking'; readonly done: number; readonly total: number }
  | { readonly phase: 'unlocking' }
  | { readonly phase: 'restoring'; readonly done: number; readonly total: number };

export interface RestoreSummary {
  readonly vaultId: string;
  readonly notebooks: number;
  readonly blobs: number;
  /** False for a format-1 file restored with `acceptUnsealed`: nothing proved it unchanged. */
  readonly sealed: boolean;
}

export interface RestoreOptions {
  /**
   * Restore a file made before backups were sealed (format 1). Nothing in it proves it is the
   * file that was made: anyone could have dropped or emptied notebooks and photos. Only on
   * the person's word, after E_BACKUP_UNSEALED told them so.
   */
  readonly acceptUnsealed?: boolean;
}

/**
 * Restores an encrypted backup (backup-format.ts) onto a device without a vault. Nothing is
 * written until the whole file checked out, the secret opened its header, the seal matched
 * (E_BACKUP_AUTH; a format-1 file has none: E_BACKUP_UNSEALED unless `acceptUnsealed`), and a dry run in
 * memory matched every notebook box to a notebook of its vault. The header is written last:
 * until then unlockVault sees no vault, and a restore that fails (E_STORAGE_FULL) removes
 * what it wrote. The device gets new device keys, as a restored header always does.
 * A device that has a vault is refused (E_VAULT_EXISTS): merging two vaults is not offered.
 */
export async function restoreBackup(
  services: VaultServices,
  blobs: BlobStore,
  file: ByteSource,
  secret: { passphrase: string } | { recoveryKey: string },
  onProgress?: (progress: RestoreProgress) => void,
  options: RestoreOptions = {},
): Promise<RestoreResult<RestoreSummary>> {
  // Under the header lock: another tab of the profile must not create, link or restore meanwhile.
  return underHeaderLock(services, () => restoreNow(services, blobs, file, secret, onProgress, options));
}

const EXISTS = 'This device already has a vault. Restoring would replace it, so nothing was changed.';

async function restoreNow(
  services: VaultServices,
  blobs: BlobStore,
  file: ByteSource,
  secret: { passphrase: string } | { recoveryKey: string },
  onProgress: ((progress: RestoreProgress) => void) | undefined,
  options: RestoreOptions,
): Promise<RestoreResult<RestoreSummary>> {
  if (await hasVault(services)) return fail('E_VAULT_EXISTS', EXISTS);
  const scanned = await scanBackup(file, (done, total) => onProgress?.({ phase: 'checking', done, total }));
  if (!scanned.ok) return scanned;
  const index = scanned.value;
  const header = decodeVaultHeader(index.header);
  if (!header.ok) return header;
  onProgress?.({ phase: 'unlocking' });
  const key = 'passphrase' in secret ? await unlockWithPassphrase(header.value, secret.passphrase) : await unlockWithRecoveryKey(header.value, secret.recoveryKey);
  if (!key.ok) return key;
  let seeds: Uint8Array | undefined;
  try {
    // First, before anything of the file is opened with the key: is it the file that was made?
    const { sealed } = index;
    if (sealed && !verifyBackupSeal(key.value, sealed.count, sealed.chain, sealed.seal)) {
      return fail('E_BACKUP_AUTH', 'The backup was changed after it was made (its seal does not match its contents), so nothing was restored.');
    }
    if (!sealed && options.acceptUnsealed !== true) {
      return fail('E_BACKUP_UNSEALED', 'This backup was made by an older version of Obscura and carries no seal: the app cannot tell whether notebooks or photos were removed from it since.');
    }
    const device = await deviceSeeds(header.value.vaultId, key.value, index);
    if (!device.ok) return device;
    seeds = device.value;
    const plan = await planRestore(header.value, key.value, index, file);
    if (!plan.ok) return plan;
    return await writeRestore(services, blobs, header.value, key.value, seeds, index, plan.value, file, onProgress);
  } finally {
    wipe(key.value);
    if (seeds) wipe(seeds);
  }
}

/** The backed-up device's seeds (opened with the vault key), or new ones if the backup has none. */
async function deviceSeeds(vaultId: string, key: VaultKey, index: BackupIndex): Promise<RestoreResult<Uint8Array>> {
  if (!index.deviceKeys) return { ok: true, value: randomBytes(64) };
  const scratch = new MemoryStorageAdapter();
  await scratch.save(DEVICE_RECORD_KEY, index.deviceKeys);
  const opened = await loadDeviceKeys(scratch, key, vaultId);
  if (!opened?.ok) return fail('E_BACKUP_MISMATCH', 'The device keys in this backup do not open with its vault key; the file was altered.');
  const seeds = opened.value.seeds.slice();
  wipe(opened.value.seeds);
  return { ok: true, value: seeds };
}

/** Notebook id for each notebook box, found by opening the vault doc in memory. */
async function planRestore(header: VaultHeader, key: VaultKey, index: BackupIndex, file: ByteSource): Promise<RestoreResult<Map<string, SectionRef>>> {
  // The box is there before the vault opens, so this throwaway device reads it as the
  // person's, as it always did (a device with no approvals yet, sync/vault/device-approvals.ts).
  const boxes = new MemoryBoxPersistence();
  boxes.stored.set(vaultBoxName(header.vaultId), await file.read(index.vaultBox.offset, index.vaultBox.length));
  const vault = await Vault.open({ storage: new MemoryStorageAdapter(), boxes }, header, copyKey(key), deviceKeysFromSeeds(randomBytes(64)));
  try {
    if (vault.quarantined > 0) return fail('E_BACKUP_MISMATCH', 'The vault in this backup does not open with its own key; the file was altered.');
    const byRoom = new Map(index.notebooks.map((ref) => [ref.id, ref]));
    const plan = new Map<string, SectionRef>();
    for (const { id } of vault.notebooks.list()) {
      const room = (await vault.replicas.notebook(id))?.roomId;
      const ref = room === undefined ? undefined : byRoom.get(room);
      if (ref) plan.set(id, ref);
    }
    if (plan.size !== index.notebooks.length) return fail('E_BACKUP_MISMATCH', 'A notebook in this backup belongs to no notebook of its vault; the file was altered.');
    return { ok: true, value: plan };
  } finally {
    await vault.lock();
  }
}

async function writeRestore(
  services: VaultServices,
  blobs: BlobStore,
  header: VaultHeader,
  key: VaultKey,
  seedBytes: Uint8Array,
  index: BackupIndex,
  plan: Map<string, SectionRef>,
  file: ByteSource,
  onProgress?: (progress: RestoreProgress) => void,
): Promise<RestoreResult<RestoreSummary>> {
  const boxes = new RecordingBoxPersistence(services.boxes);
  const written: string[] = [];
  const total = 1 + plan.size + index.blobs.length;
  let done = 0;
  const step = () => onProgress?.({ phase: 'restoring', done: ++done, total });
  let vault: Vault | undefined;
  try {
    const seeds = seedBytes.slice();
    await saveDeviceSeeds(services.storage, key, header.vaultId, seeds);
    vault = await Vault.open({ ...services, boxes }, header, copyKey(key), deviceKeysFromSeeds(seeds));
    Y.applyUpdate(vault.replicas.vault().box, await file.read(index.vaultBox.offset, index.vaultBox.length));
    step();
    for (const [id, ref] of plan) {
      const replica = await vault.replicas.notebook(id);
      if (replica) Y.applyUpdate(replica.box, await file.read(ref.offset, ref.length));
      step();
    }
    for (const ref of index.blobs) {
      written.push(ref.id);
      for (let i = 0; i < pieceCount(ref.length); i++) {
        const piece = await file.read(ref.offset + pieceOffset(i), pieceLength(ref.length, i));
        const stored = await blobs.receivePiece(ref.id, ref.length, i, piece);
        if (!stored.ok) throw new RestoreFailure(stored.error.code === 'E_HASH_MISMATCH' ? 'E_HASH_MISMATCH' : 'E_BLOB_PIECE', stored.error.message);
      }
      step();
    }
    await vault.lock();
    vault = undefined;
    // Last: from here on the device has a vault (unless another tab made one meanwhile).
    if (!(await replaceVaultHeader(services.storage, undefined, header))) throw new RestoreFailure('E_VAULT_EXISTS', EXISTS);
    return { ok: true, value: { vaultId: header.vaultId, notebooks: plan.size, blobs: index.blobs.length, sealed: index.sealed !== undefined } };
  } catch (error) {
    await vault?.lock().catch(() => undefined);
    await undo(services, boxes, blobs, written);
    if (error instanceof RestoreFailure) return fail(error.code, error.message);
    if (isStorageFull(error)) return fail('E_STORAGE_FULL', 'This device ran out of storage space during the restore. Nothing was kept; free some space and try again.');
    throw error;
  }
}

/** Removes what a failed restore wrote; best effort, since the disk may still be full. */
async function undo(services: VaultServices, boxes: RecordingBoxPersistence, blobs: BlobStore, written: readonly string[]): Promise<void> {
  for (const name of boxes.opened) await services.boxes.remove(name).catch(() => undefined);
  for (const id of written) {
    await blobs.abandonIncoming(id).catch(() => undefined);
    await blobs.remove(id).catch(() => undefined);
  }
}

class RestoreFailure extends Error {
  constructor(readonly code: 'E_HASH_MISMATCH' | 'E_BLOB_PIECE' | 'E_VAULT_EXISTS', message: string) {
    super(message);
  }
}

/** StorageFullError from the storage adapter, or y-indexeddb's own QuotaExceededError (box writes). */
function isStorageFull(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return ('code' in error && error.code === 'E_STORAGE_FULL') || ('name' in error && error.name === 'QuotaExceededError');
}

/** Vault.lock wipes the key it was given; each vault gets its own copy. */
function copyKey(key: VaultKey): VaultKey {
  return asVaultKey(key.slice());
}

function fail(code: RestoreErrorCode, message: string): { ok: false; error: { code: RestoreErrorCode; message: string } } {
  return { ok: false, error: { code, message } };
}
