import type * as Y from 'yjs';
import {
  asVaultKey,
  CryptoFailure,
  randomVaultKey,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
  wipe,
  wrapLinkedVaultKey,
  type CryptoErrorCode,
  type PwhashParams,
  type Result,
  type SigningKeyPair,
  type VaultHeader,
  type VaultKey,
} from '../../crypto/index.ts';
import type { SyncErrorCode } from '../error-codes.ts';
import { isCurrentOwner, readMember } from '../share/members.ts';
import { removeMembersAndRotate, type SharedNotebook } from '../share/rotate-key.ts';
import type { BoxHandle, BoxPersistence } from '../storage/box-persistence.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { isDeviceRevoked, revokedDeviceIds, revokedDevicesMap, writeDeviceRevocation } from '../vault-doc/device-revocations.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { stageResealedDeviceRecords } from './reseal-device-records.ts';
import { vaultKeyId } from './vault-doc-sealing.ts';
import { devicesMap } from '../vault-doc/vault-doc.ts';
import { settleRotation, writeRotationJournal, type RotationJournal } from './vault-rotation-journal.ts';

/**
 * "Rotate the vault key" (sync/PROTOCOL.md "Rotating the vault key"). A passphrase change or a
 * new recovery key re-wraps the SAME vault key, so an old header (every backup holds one) and
 * the old secret still yield it, and with it the vault doc and every notebook key. Rotation
 * puts everything the vault key covers under a new random one, and removes the person's other
 * devices (they hold the old key) from every notebook this device owns, with one new notebook
 * key each. Order, for crash safety: journal, new things in new places, header, cleanup
 * (vault-rotation-journal.ts).
 */
export const KEY_EPOCH_CAUSE = 'vault-rotation';

/**
 * What a rotation is for. `all`: "Rotate the vault key", every other device signed out.
 * `remove`: one device removed (a stolen phone), the others kept: they get the new key
 * handed over, sealed to each (vault-key-handover.ts), and the notebooks this device owns
 * rotate without that device only (cause: its id). `follow`: this device takes up a key
 * another device handed over when it removed one; nobody is signed out, nothing rotates,
 * and the vault's recovery key stays the one the removing device made.
 */
export type RotationPlan =
  | { readonly kind: 'all' }
  | { readonly kind: 'remove'; readonly deviceId: string }
  /** `from`: the signing key of the device that handed the key over; approved directly from now on. */
  | { readonly kind: 'follow'; readonly key: VaultKey; readonly from: Uint8Array };

export interface VaultKeyRotation {
  /** The new recovery key: shown once; the old one no longer opens this vault. */
  readonly recoveryKey: string;
  /** The person's other devices, signed out: each must be linked again. */
  readonly signedOut: readonly string[];
  /** Devices the new vault key was handed to (removing one device): they keep working after their next unlock. */
  readonly handedTo: readonly string[];
  /** Notebooks this device owns: its other devices removed, one new key each. */
  readonly rotatedNotebooks: number;
  /** Notebooks owned by others: they keep their key until an owner removes the old devices. */
  readonly keptNotebooks: number;
  /** The old envelopes, databases or records could not all be removed yet; the next unlock does it. */
  readonly cleanupPending: boolean;
}

export type RotationErrorCode = CryptoErrorCode | 'E_STORAGE_FULL' | 'E_ROTATION_FAILED' | 'E_VAULT_HEADER_CHANGED';
export type RotationResult = Result<VaultKeyRotation, RotationErrorCode>;

/** A notebook box whose database can be swapped under it while its docs stay open. */
export interface MovableBox {
  readonly box: Y.Doc;
  handle: BoxHandle;
}

interface RotatingNotebook {
  readonly shared: SharedNotebook;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** What rotation needs of the Vault (an interface here, so this file does not import vault.ts). */
export interface RotationHost {
  readonly storage: StorageAdapter;
  readonly boxes: BoxPersistence;
  readonly pwhash?: PwhashParams;
  readonly vaultId: string;
  /** The plain vault doc, its box and that box's database handle. */
  readonly doc: Y.Doc;
  readonly vaultBox: { readonly box: Y.Doc; readonly handle: BoxHandle };
  readonly self: { readonly deviceId: string; readonly signing: SigningKeyPair; readonly seeds: Uint8Array };
  header(): VaultHeader;
  /** Whether the stored header is still header() (another tab may have changed it). */
  headerCurrent(): Promise<boolean>;
  /** Stores the new header only if the stored one is still header() (replaceVaultHeader). */
  storeHeader(next: VaultHeader): Promise<boolean>;
  /** Tells the vault's other tabs, before anything changes, that the key they hold is going. */
  announce(): void;
  key(): VaultKey;
  /** Leaves every room; the app starts sync again once this resolves. */
  stopSync(): void;
  flush(): Promise<void>;
  /** Every notebook the vault doc lists with a room, its box loaded (under the current names). */
  loadListedBoxes(): Promise<Map<string, MovableBox>>;
  boxName(key: VaultKey, notebookId: string): string;
  /** Boxes loaded from now on use names keyed by `key`. */
  useBoxNames(key: VaultKey): void;
  /**
   * Seals the vault doc under `key` alone from now on (the old sealing stops). Device
   * approvals start again from this device (`start-over`), or are sealed again under the
   * new key without the devices in `without`.
   */
  resealVaultDoc(key: VaultKey, approvals: 'start-over' | { readonly without: ReadonlySet<string>; readonly approve?: Uint8Array }): void;
  /**
   * Before the new header is stored: hands `key` to each of the person's approved devices but
   * `removed`, sealed under the old vault key `from` for the old vault room, and stages the
   * device record that keeps them (sealed under `key`) until each recipient took its handover
   * up: this device offers them in the old room at every unlock (vault.replicas.retired).
   * Returns the device ids.
   */
  prepareHandover(from: VaultKey, key: VaultKey, removed: string): Promise<string[]>;
  /** Notebooks with a key, and whether each is open now. */
  notebooks(): { id: string; open: boolean }[];
  openNotebook(id: string): Promise<Result<RotatingNotebook, SyncErrorCode | CryptoErrorCode>>;
  /** The new header and key are this vault's; `publishRecovery`: the header's recovery wrap becomes the vault's. */
  commit(header: VaultHeader, key: VaultKey, publishRecovery: boolean): void;
  lockNow(): Promise<void>;
}

/**
 * What proves the person is here: the passphrase (typed again; the new header wraps the new key
 * under it), or, following a handover only, the recovery key with a new passphrase to wrap it.
 */
export type RotationSecret = string | { readonly recoveryKey: string; readonly newPassphrase: string };

function isCurrentMember(plain: Y.Doc, deviceId: string): boolean {
  const member = readMember(plain, deviceId);
  return member !== undefined && member.removedAt === undefined;
}

export async function rotateVaultKey(host: RotationHost, secret: RotationSecret, plan: RotationPlan = { kind: 'all' }): Promise<RotationResult> {
  if (!(await host.headerCurrent())) return headerChanged();
  const checked = typeof secret === 'string' ? await unlockWithPassphrase(host.header(), secret) : await unlockWithRecoveryKey(host.header(), secret.recoveryKey);
  const passphrase = typeof secret === 'string' ? secret : secret.newPassphrase;
  if (!checked.ok) return checked;
  wipe(checked.value);
  host.announce();
  host.stopSync();
  await host.flush();
  const from = host.key();
  const to = plan.kind === 'follow' ? asVaultKey(plan.key.slice()) : randomVaultKey();
  let wrapped: { header: VaultHeader; recoveryKey: string };
  try {
    // The same passphrase (typed again to confirm) or the new one, a new recovery key.
    wrapped = await wrapLinkedVaultKey(host.vaultId, to, passphrase, host.pwhash);
  } catch (error) {
    wipe(to);
    return failure(error, false);
  }
  let committed = false;
  let touched = false;
  let rotatedNotebooks = 0;
  let keptNotebooks = 0;
  let signedOut: string[] = [];
  let handedTo: string[] = [];
  let journal: RotationJournal | undefined;
  try {
    const boxes = await host.loadListedBoxes();
    journal = {
      version: 1,
      vaultId: host.vaultId,
      from: vaultKeyId(from, host.vaultId),
      to: vaultKeyId(to, host.vaultId),
      boxes: [...boxes.keys()].map((id) => [host.boxName(from, id), host.boxName(to, id)] as const),
    };
    await writeRotationJournal(host.storage, journal);

    // The vault doc: a snapshot under the new key beside the old envelopes (dropped after the
    // header), then the sign-outs, sealed under the new key only.
    touched = true;
    if (plan.kind === 'all') {
      host.resealVaultDoc(to, 'start-over');
      signedOut = [...devicesMap(host.doc).keys()].filter((id) => id !== host.self.deviceId && !isDeviceRevoked(host.doc, id));
    } else {
      host.resealVaultDoc(to, plan.kind === 'remove' ? { without: new Set([plan.deviceId]) } : { without: new Set(), approve: plan.from });
      if (plan.kind === 'remove') signedOut = [plan.deviceId];
      // The device the person kept (handover-choice.ts): a revocation of it here was signed
      // by the one they did not keep, and must not follow it under the new key.
      else revokedDevicesMap(host.doc).delete(deviceIdFor(plan.from));
    }
    for (const id of signedOut) writeDeviceRevocation(host.doc, host.vaultId, id, host.self.signing);

    // Every box to its new database; the old one stays as it is now, for the old vault.
    host.useBoxNames(to);
    for (const [id, loaded] of boxes) {
      const handle = await host.boxes.open(host.boxName(to, id), loaded.box);
      await handle.compact();
      const old = loaded.handle;
      loaded.handle = handle;
      await old.close();
    }

    // Notebooks this device owns: the other devices (or the removed one) removed, one new key
    // epoch each. A device following a handover rotates those where a device the vault doc
    // revoked is still a member: the removing device may own none of them (a writer device
    // removing a stolen one), and where it did, the member is marked removed already.
    const revoked = plan.kind === 'remove' ? [plan.deviceId] : revokedDeviceIds(host.doc);
    const cause = plan.kind === 'remove' ? plan.deviceId : KEY_EPOCH_CAUSE;
    for (const { id, open } of host.notebooks()) {
      const opened = await host.openNotebook(id);
      if (!opened.ok) {
        keptNotebooks++;
        continue;
      }
      const stillMembers = revoked.filter((deviceId) => isCurrentMember(opened.value.shared.plain, deviceId));
      if (plan.kind === 'follow' && stillMembers.length === 0) {
        if (!open) await opened.value.close();
        continue;
      }
      if (isCurrentOwner(opened.value.shared.plain, host.self.deviceId)) {
        const followCause = stillMembers.length === 1 ? (stillMembers[0] as string) : KEY_EPOCH_CAUSE;
        if (removeMembersAndRotate(opened.value.shared, plan.kind === 'follow' ? stillMembers : revoked, plan.kind === 'follow' ? followCause : cause).ok) rotatedNotebooks++;
      } else keptNotebooks++;
      await opened.value.flush();
      if (!open) await opened.value.close();
    }
    await host.flush();
    for (const loaded of boxes.values()) await loaded.handle.flushed();

    await stageResealedDeviceRecords(host.storage, from, to, host.vaultId, host.self.seeds);
    // Staged with the records, so the handovers are kept exactly when the new key is.
    if (plan.kind === 'remove') handedTo = await host.prepareHandover(from, to, plan.deviceId);
    // Last: from here on the stored vault is the new one. Another tab's header stored since
    // we started (a rotation, a new secret) wins: this one is undone.
    if (!(await host.storeHeader(wrapped.header))) throw new HeaderChanged();
    committed = true;
    host.commit(wrapped.header, to, plan.kind !== 'follow');
  } catch (error) {
    if (committed) throw error;
    // Nothing of the new vault counts yet: drop what memory holds of it and undo it on disk
    // (what this cannot undo now, the next unlock with the old key does: the journal stays).
    if (touched) await host.lockNow().catch(() => undefined);
    if (journal) await settleRotation(host.storage, host.boxes, journal.from).catch(() => undefined);
    wipe(to);
    return failure(error, touched);
  }
  let cleanupPending = false;
  try {
    await settleRotation(host.storage, host.boxes, journal.to, host.vaultBox);
  } catch {
    cleanupPending = true;
  }
  wipe(from);
  return { ok: true, value: { recoveryKey: wrapped.recoveryKey, signedOut, handedTo, rotatedNotebooks, keptNotebooks, cleanupPending } };
}

const HEADER_CHANGED = 'The passphrase, recovery key or vault key was changed in another tab since this one was unlocked.';

class HeaderChanged extends Error {
  readonly code = 'E_VAULT_HEADER_CHANGED';
  constructor() {
    super(HEADER_CHANGED);
  }
}

function headerChanged(): { ok: false; error: { code: 'E_VAULT_HEADER_CHANGED'; message: string } } {
  return { ok: false, error: { code: 'E_VAULT_HEADER_CHANGED', message: `${HEADER_CHANGED} The vault key was not changed.` } };
}

function failure(error: unknown, locked: boolean): { ok: false; error: { code: RotationErrorCode; message: string } } {
  const after = locked ? 'The vault key was not changed; the vault was locked: unlock it with your passphrase.' : 'The vault key was not changed.';
  if (error instanceof CryptoFailure) return { ok: false, error: { code: error.code, message: `${error.message} ${after}` } };
  if (error instanceof HeaderChanged) return { ok: false, error: { code: error.code, message: `${error.message} ${after}` } };
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error: { code: code === 'E_STORAGE_FULL' ? 'E_STORAGE_FULL' : 'E_ROTATION_FAILED', message: `${message} ${after}` } };
}
