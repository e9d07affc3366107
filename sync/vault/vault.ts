import * as Y from 'yjs';
import {
  asVaultKey,
  createVault as createVaultHeader,
  changePassphrase as rewrapPassphrase,
  deriveId,
  randomBytes,
  regenerateRecoveryKey as rewrapRecoveryKey,
  bytesEqual,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
  wipe,
  type CryptoErrorCode,
  type PwhashParams,
  type Result,
  type SigningKeyPair,
  type VaultHeader,
  type VaultKey,
} from '../../crypto/index.ts';
import { isCurrentOwner, readMember } from '../share/members.ts';
import type { DeviceLinkErrorCode } from '../share/device-link.ts';
import type { InviteErrorCode } from '../share/invite-link.ts';
import type { RedeemErrorCode } from '../share/join-notebook.ts';
import type { PresenceSigningKeys } from '../replication/presence-seal.ts';
import type { RelayWriteSource } from '../replication/relay-write.ts';
import { roomAdminKey, roomWriteKey } from '../relay-cap/room-write-keys.ts';
import { epochOfKey } from '../share/key-epochs.ts';
import { roomMeta } from '../share/room-meta.ts';
import type { SealedDoc } from '../sealed/sealed-doc.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { handCurrentKey, type SharedNotebook } from '../share/rotate-key.ts';
import type { OwnDeviceApprovals } from '../share/own-devices.ts';
import { openSharedNotebook, startSharing, type DeviceIdentity } from '../share/shared-notebook.ts';
import type { BoxHandle, BoxPersistence } from '../storage/box-persistence.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { isDeviceRevoked, revocationSigners, revokedBy, revokedByIt, writeDeviceRevocation } from './device-revocations.ts';
import { loadSearchIndex, removeAllSearchIndexes, removeSearchIndex, saveSearchIndex } from './search-index-record.ts';
import { deviceRecordKey, loadDeviceRecord, removeDeviceRecord, saveDeviceRecord, sealDeviceRecord } from './device-record.ts';
import { derivedBytes, PENDING_HANDOVERS_RECORD, RetiredVaultRooms, vaultRoomSecrets, type VaultRoomSecrets } from './retired-vault-rooms.ts';
import { boxMaps } from '../sealed/box-layout.ts';
import {
  finalizeNotebookDeletion,
  listNotebookEntries,
  setNotebookColour,
  startNotebookDeletion,
  undoNotebookDeletion,
  type NotebookColour,
  type NotebookEntry,
} from './notebook-meta.ts';
import { addNotebook, devicesMap, listedDeviceKeys, listedSigningKey, listNotebooks, notebookKeys, notebookRoom, registerDevice, relayAdminSeed, renameNotebook, type NotebookInfo } from './vault-doc.ts';
import { sealVaultDoc, vaultKeyId, vaultSealedMeta, vaultWriterSlot, type SealedVaultDoc } from './vault-doc-sealing.ts';
import { offeredHandovers, vaultKeysMap, writeHandover, type OfferedHandover } from './vault-key-handover.ts';
import {
  decideHandover,
  decodeKeptDevices,
  describeRemovals,
  encodeKeptDevices,
  keepDevice,
  KEPT_DEVICES_RECORD,
  NO_CHOICE,
  type HandoverChoice,
  type HandoverChoiceError,
  type HandoverDecision,
  type KeptDevices,
} from './handover-choice.ts';
import { ownerGrantors, writeOwnerGrant } from './owner-grants.ts';
import { sealBackup } from '../backup/backup-seal.ts';
import { answerDeviceLink, type DeviceLinkAnswer } from './vault-device-link.ts';
import { joinByInvite, type JoinOptions } from './vault-join.ts';
import { rotateVaultKey, type MovableBox, type RotationErrorCode, type RotationPlan, type RotationSecret, type VaultKeyRotation } from './vault-key-rotation.ts';
import { createNotebookInvite, listNotebookMembers, missingNotebookMembers, removeNotebookMember, revokeNotebookInvite, type InviteOptions, type MemberView } from './vault-members.ts';
import { approveMember } from '../share/member-requests.ts';
import {
  deviceKeysFromSeeds,
  isStoredVaultHeader,
  loadDeviceKeys,
  loadVaultHeader,
  replaceVaultHeader,
  saveDeviceSeeds,
  vaultHeaderDigest,
  type DeviceKeys,
} from './vault-records.ts';
import { settleRotation, stagedKey, vaultBoxName } from './vault-rotation-journal.ts';
import { currentRecoveryRecord, publishRecoveryRecord } from './vault-recovery.ts';
import { deviceName, listOwnDevices, markSeen, setOwnDeviceName, unsignedName, type OwnDeviceView } from './device-names.ts';

export type { VaultKeyRotation, OwnDeviceView };

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

/**
 * What a vault stored in its header, for its other tabs (the app passes it on): `rewrapped`,
 * a new passphrase or recovery key over the same vault key, stored as the header named by
 * `digest` (Vault.adoptHeader); `rotating`, the vault key is about to be replaced.
 */
export type HeaderChange = { readonly kind: 'rewrapped'; readonly digest: string } | { readonly kind: 'rotating' };

const HEADER_LOCK = 'obscura-vault-header';

export interface VaultOpenOptions {
  /** The signing key of the device whose link brought the vault key here (it is approved back). */
  readonly linkedBy?: Uint8Array;
  /** A vault created just now: its header's recovery wrap becomes the vault's (vault-recovery.ts). */
  readonly newVault?: boolean;
}

/**
 * Which recovery key opens this device: `none` for a vault from before recovery keys were
 * shared (each device then has its own until a new one is made); otherwise the vault's,
 * numbered, and whether this device's header holds it yet (it adopts it once synced).
 */
export type RecoveryKeyState = { readonly shared: false } | { readonly shared: true; readonly version: number; readonly madeAt: number; readonly here: boolean };

export type VaultErrorCode =
  | CryptoErrorCode
  | 'E_NO_VAULT'
  | 'E_VAULT_EXISTS'
  | 'E_VAULT_HEADER_CHANGED'
  | 'E_NOTEBOOK_UNKNOWN'
  | 'E_NOT_SHARED'
  | 'E_NOT_OWNER'
  | 'E_MEMBER_UNKNOWN'
  | 'E_DEVICE_UNKNOWN'
  | 'E_HANDOVER_PASSPHRASE'
  | 'E_HANDOVER_CHOICE'
  | 'E_SYNC_OFF'
  | 'E_INVITE_TIMEOUT'
  | 'E_INVITE_ALREADY_JOINED'
  | RotationErrorCode
  | InviteErrorCode
  | RedeemErrorCode
  | DeviceLinkErrorCode;
export type VaultResult<T> = Result<T, VaultErrorCode>;

export interface OpenNotebook {
  readonly id: string;
  /** The plain doc: in memory only, dropped on close. */
  readonly doc: Y.Doc;
  readonly sealed: SealedDoc;
  /** Ciphertext only: what replicates (startVaultSync) and what blobs hang off. */
  readonly box: Y.Doc;
  /** Derived from the notebook's founding key: stays the same across rotations. */
  readonly roomId: string;
  readonly roomPassword: string;
  /** Members, keys and rotation (sync/share). */
  readonly shared: SharedNotebook;
  /** Seals what is pending and resolves once it is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What a device link grants the new device: `grantOwner`, to be an owner of the notebooks this
 * device owns (and of those another owner device adds it to); without it, a writer
 * (sync/vault/owner-grants.ts). Never implied.
 */
export interface DeviceLinkGrant {
  readonly grantOwner?: boolean;
}

/** A box and the room it meets its peers in; what startVaultSync replicates. */
export interface BoxReplica {
  readonly box: Y.Doc;
  readonly roomId: string;
  readonly password: string;
  /** Seals presence (replicateBox), derived for this room. */
  readonly presenceKey: Uint8Array;
  /** Signs this device's presence; `signingKeyOf` says whose presence to believe (presence-seal.ts). */
  readonly presenceSigner: SigningKeyPair;
  readonly signingKeyOf: PresenceSigningKeys;
  /** The room's relay write keys (sync/replication/relay-write.ts). */
  readonly relayWrite: RelayWriteSource;
}

/** What the vault needs of a running sync: lock stops it; joins need it running. */
export interface AttachedSync {
  stop(): void;
  /** Resolves once the relay knows a notebook room's current write key (after a rotation). */
  settled(notebookId: string): Promise<void>;
  /** Whether the relay stored every update this device made in a notebook room so far, within `timeoutMs`. */
  delivered(notebookId: string, timeoutMs: number): Promise<boolean>;
}

/** A loaded box; a vault-key rotation moves it to another database (`handle` changes). */
type LoadedBox = MovableBox;

/** What the Rotate screen says before the person confirms (Vault.vaultKeyRotationPreview). */
export interface VaultKeyRotationPreview {
  /** The person's other devices that would be signed out. */
  readonly otherDevices: number;
  /** Notebooks owned by others: they keep their key (ask their owners to remove the old devices). */
  readonly notebooksKeepingKey: number;
}

export async function hasVault(services: VaultServices): Promise<boolean> {
  return (await loadVaultHeader(services.storage)) !== undefined;
}

/** Thrown by createVault when the profile has a vault already (made in another tab since this one looked). */
export class VaultExistsError extends Error {
  readonly code = 'E_VAULT_EXISTS';
  constructor() {
    super('This browser has a vault already (made in another tab?), so none was created.');
  }
}

/**
 * Runs `work` under the profile's header lock (VaultServices.exclusive), if the services
 * have one: first-run writes (create, link, restore) and header changes never interleave.
 */
export function underHeaderLock<T>(services: VaultServices, work: () => Promise<T>): Promise<T> {
  return services.exclusive ? services.exclusive(HEADER_LOCK, work) : work();
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
    const kept = await vault.keepDevice(secret.keep);
    if (!kept.ok) {
      await vault.lock();
      return kept;
    }
  }
  // Another device removed one and handed this one a new vault key. The person says which
  // device to keep before any is followed: the handover may be the thief's.
  const choice = vault.handoverChoice();
  if (choice) {
    await vault.lock();
    const error: HandoverChoiceError = { code: 'E_HANDOVER_CHOICE', message: `${describeRemovals(choice).join('. ')}. Which device do you keep?`, choice };
    return { ok: false, error };
  }
  // The kept device's handover: take it up now, while a passphrase is here to wrap it. With
  // the recovery key, the person chooses a new one.
  if (vault.handoverWaiting()) {
    if (!('passphrase' in secret) && secret.newPassphrase === undefined) {
      await vault.lock();
      return {
        ok: false,
        error: { code: 'E_HANDOVER_PASSPHRASE', message: 'Another of your devices removed one and handed this one a new vault key: choose a new passphrase to take it up.' },
      };
    }
    const followed = await vault.followHandover('passphrase' in secret ? secret.passphrase : { recoveryKey: secret.recoveryKey, newPassphrase: secret.newPassphrase ?? '' });
    if (!followed.ok) {
      await vault.lock();
      return followed;
    }
  }
  return { ok: true, value: vault };
}

/** An unlocked vault: holds the keys until lock() wipes them. */
export class Vault {
  readonly #services: VaultServices;
  #header: VaultHeader;
  #key: VaultKey;
  /** The key box database names derive from: the vault key, except while a rotation moves them. */
  #boxNameKey: VaultKey;
  readonly #device: DeviceKeys;
  readonly #doc: Y.Doc;
  #sealing: SealedVaultDoc;
  readonly #box: Y.Doc;
  readonly #boxHandle: BoxHandle;
  readonly #open = new Map<string, OpenNotebook>();
  readonly #opening = new Map<string, Promise<VaultResult<OpenNotebook>>>();
  readonly #boxes = new Map<string, Promise<LoadedBox>>();
  #sync: AttachedSync | undefined;
  /** A running vault-key rotation: lock and device records wait for it. */
  #rotation: Promise<unknown> | undefined;
  readonly #headerListeners = new Set<(change: HeaderChange) => void>();
  /** The old vault rooms after this device removed one (removeDevice): the handovers of the new key, until taken up. */
  readonly #retired: RetiredVaultRooms;
  /** Stores the pending handovers after a recipient took its up (one write at a time). */
  #savingRetired: Promise<void> = Promise.resolve();
  readonly #handoverListeners = new Set<() => void>();
  /** The person's answer to "which device do you keep" on this device (handover-choice.ts). */
  #kept: KeptDevices = NO_CHOICE;
  /** This device's name as it last signed it (#keepOwnName). */
  #ownName: string | undefined;
  #locked = false;
  /** Set when lock() starts: what runs on (a pending join) must not write any more. */
  #locking = false;

  private constructor(
    services: VaultServices,
    header: VaultHeader,
    key: VaultKey,
    device: DeviceKeys,
    doc: Y.Doc,
    box: Y.Doc,
    sealed: SealedVaultDoc,
    handle: BoxHandle,
    retired: RetiredVaultRooms,
  ) {
    this.#services = services;
    this.#retired = retired;
    this.#header = header;
    this.#key = key;
    this.#boxNameKey = key;
    this.#device = device;
    this.#doc = doc;
    this.#box = box;
    this.#sealing = sealed;
    this.#forwardApprovals();
    this.#boxHandle = handle;
    this.#watchHandovers();
  }

  static async open(services: VaultServices, header: VaultHeader, key: VaultKey, device: DeviceKeys, options: VaultOpenOptions = {}): Promise<Vault> {
    const box = new Y.Doc();
    const handle = await services.boxes.open(vaultBoxName(header.vaultId), box);
    const doc = new Y.Doc();
    // The person's answer first: the devices it refused are not trusted for the entries stored here either.
    const keptRecord = await loadDeviceRecord(services.storage, key, header.vaultId, KEPT_DEVICES_RECORD);
    const kept = keptRecord?.ok ? decodeKeptDevices(keptRecord.value, vaultKeyId(key, header.vaultId)) : NO_CHOICE;
    const sealed = sealVaultDoc({ vaultId: header.vaultId, plain: doc, box, key, signer: device.signing, onCompact: () => trimLog(handle), refused: kept.refused });
    // A vault from before device approvals: the devices trusted until now become approved.
    sealed.approvals.adoptListedDevices();
    if (options.linkedBy) sealed.approvals.approve(options.linkedBy);
    // Handovers this device made when it removed one, not all taken up yet: offered again.
    const pending = await loadDeviceRecord(services.storage, key, header.vaultId, PENDING_HANDOVERS_RECORD);
    const retired = pending?.ok ? RetiredVaultRooms.fromRecord(header.vaultId, pending.value) : new RetiredVaultRooms(header.vaultId);
    const vault = new Vault(services, header, key, device, doc, box, sealed, handle, retired);
    vault.#kept = kept;
    // A handover waits: nothing is written under the old key before the person said which
    // device to keep (unlockVault asks, and locks again), since the removed device reads it.
    if (vault.#decisionKind() === 'none') {
      registerDevice(doc, deviceIdFor(device.signing.publicKey), device.signing.publicKey, device.box.publicKey);
      // Last seen: when this device was last unlocked, for the person's other devices.
      markSeen(doc, deviceIdFor(device.signing.publicKey));
      vault.#keepOwnName();
      vault.#publishRecoveryIf(options.newVault === true);
      sealed.sealed.flush();
      // A vault doc from before writer slots stops naming devices in the vault room.
      sealed.sealed.upgradeWriterSlots();
    }
    vault.#followRecovery();
    vault.#watchAcknowledgements();
    return vault;
  }

  /**
   * A recipient of a pending handover has taken it up once the vault doc applies an envelope
   * it signed under the current key (its writer slot is keyed by that key; Vault.open writes
   * one at every unlock): its handover is no longer offered, and the record is stored again.
   * A recipient removed meanwhile needs it no more.
   */
  #watchAcknowledgements(): void {
    const check = (): void => {
      if (this.#locked || this.#locking || this.#rotation || this.#retired.pending().length === 0) return;
      const slot = vaultWriterSlot(this.#key, this.vaultId);
      const { entries, snapshots } = boxMaps(this.#box);
      const wroteUnderCurrentKey = (deviceId: string): boolean => {
        const prefix = `${slot(deviceId)}.`;
        return [['entries', entries], ['snapshots', snapshots]].some(([name, map]) =>
          [...(map as Y.Map<Uint8Array>).keys()].some((key) => key.startsWith(prefix) && !this.#sealed.quarantine.has(`${name as string}:${key}`)),
        );
      };
      if (!this.#retired.settle((id) => isDeviceRevoked(this.#doc, id) || wroteUnderCurrentKey(id))) return;
      this.#savingRetired = this.#savingRetired.then(() => this.#storeRetired()).catch(() => undefined);
    };
    this.#doc.on('update', check);
    check();
  }

  async #storeRetired(): Promise<void> {
    await this.#rotation?.catch(() => undefined);
    if (this.#locked || this.#locking) return;
    const record = this.#retired.record();
    if (record) await saveDeviceRecord(this.#services.storage, this.#key, this.vaultId, PENDING_HANDOVERS_RECORD, record);
    else await removeDeviceRecord(this.#services.storage, PENDING_HANDOVERS_RECORD);
  }

  /** Devices a handover this device made (removeDevice) still waits for: it offers them in the old vault room at every unlock. */
  pendingHandovers(): string[] {
    this.#assertUnlocked();
    return this.#retired.pending();
  }

  /**
   * Writes this header's recovery wrap as the vault's when this is a new vault, or when the
   * vault's wraps a key that is no longer the vault key (a rotation, or one cut short after
   * its header was stored). A vault from before shared recovery keys gets none here: that
   * would silently stop the keys saved on the person's other devices.
   */
  #publishRecoveryIf(newVault: boolean): void {
    const record = currentRecoveryRecord(this.#doc);
    const keyId = vaultKeyId(this.#key, this.vaultId);
    if (!newVault && (record === undefined || record.keyId === keyId)) return;
    publishRecoveryRecord(this.#doc, { wrapped: this.#header.recovery.wrapped, keyId, madeAt: Date.now(), madeBy: this.deviceId });
  }

  #adopting: Promise<void> = Promise.resolve();

  /** Adopts the vault's recovery wrap into this device's header whenever the vault doc brings a newer one. */
  #followRecovery(): void {
    const follow = (): void => {
      this.#adopting = this.#adopting.then(() => this.#adoptRecovery()).catch(() => undefined);
    };
    this.#doc.on('update', follow);
    follow();
  }

  #recoveryToAdopt(): Uint8Array | undefined {
    if (this.#locked || this.#locking || this.#rotation) return undefined;
    const record = currentRecoveryRecord(this.#doc);
    if (!record || record.keyId !== vaultKeyId(this.#key, this.vaultId)) return undefined;
    const mine = this.#header.recovery.wrapped;
    // The header format holds a wrap of exactly this length; anything else would make it unreadable.
    return record.wrapped.length === mine.length && !bytesEqual(record.wrapped, mine) ? record.wrapped : undefined;
  }

  async #adoptRecovery(): Promise<void> {
    if (!this.#recoveryToAdopt()) return;
    await this.#exclusive(async () => {
      const wrapped = this.#recoveryToAdopt();
      // A stale header (another tab stored one) fails the swap; that tab's announcement brings it here.
      if (wrapped) await this.#storeHeader({ ...this.#header, recovery: { wrapped: wrapped.slice() } });
    });
  }

  /** Names this device for the person's other devices (sealed in the vault doc, device-names.ts). */
  setDeviceName(name: string): void {
    this.#assertUnlocked();
    if (setOwnDeviceName(this.#doc, this.#device.signing, name)) {
      this.#ownName = deviceName(this.#doc, this.deviceId);
      this.#sealed.flush();
    }
  }

  /**
   * This device's signed name, put back when another writer of the vault doc overwrote or
   * deleted it (it cannot forge one, device-names.ts; until put back, the device shows unnamed).
   * A name written before names were signed is signed now.
   */
  #keepOwnName(): void {
    const check = (): void => {
      if (this.#locked || this.#locking || this.#rotation) return;
      const signed = deviceName(this.#doc, this.deviceId);
      if (signed !== undefined) {
        this.#ownName = signed;
        return;
      }
      const name = this.#ownName ?? unsignedName(this.#doc, this.deviceId);
      if (name !== undefined && setOwnDeviceName(this.#doc, this.#device.signing, name)) this.#ownName = name;
    };
    this.#doc.on('update', check);
    check();
  }

  /** The person's devices (approved, not signed out), this one first, with names and last-seen times. */
  ownDevices(): OwnDeviceView[] {
    this.#assertUnlocked();
    return listOwnDevices(this.#doc, this.deviceId, (id) => this.#sealing.approvals.approved(id) && !isDeviceRevoked(this.#doc, id));
  }

  /** Which recovery key opens this device (Settings says so). */
  recoveryKeyState(): RecoveryKeyState {
    this.#assertUnlocked();
    const record = currentRecoveryRecord(this.#doc);
    if (!record || record.keyId !== vaultKeyId(this.#key, this.vaultId)) return { shared: false };
    return { shared: true, version: record.version, madeAt: record.madeAt, here: bytesEqual(record.wrapped, this.#header.recovery.wrapped) };
  }

  /** Open notebooks follow the approvals of whichever sealing is current (a vault-key rotation replaces it). */
  readonly #approvalListeners = new Set<() => void>();
  readonly #ownDevices: OwnDeviceApprovals = {
    approved: (deviceId) => this.#sealing.approvals.approved(deviceId),
    ownerGrantors: (deviceId) =>
      ownerGrantors(this.#doc, this.vaultId, deviceId).filter((granter) => this.#sealing.approvals.approved(granter) && !isDeviceRevoked(this.#doc, granter)),
    onChange: (listener) => {
      this.#approvalListeners.add(listener);
      return () => this.#approvalListeners.delete(listener);
    },
  };

  #forwardApprovals(): void {
    this.#sealing.approvals.onChange(() => {
      for (const listener of this.#approvalListeners) listener();
    });
  }

  get #sealed(): SealedDoc {
    return this.#sealing.sealed;
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

  /** Notebooks this vault can open (a notebook being joined has no key yet and is left out). */
  notebooks(): NotebookInfo[] {
    return listNotebooks(this.#doc).filter((nb) => notebookKeys(this.#doc, nb.id) !== undefined);
  }

  createNotebook(name: string): string {
    const id = addNotebook(this.#doc, name, Date.now(), this.#device.signing.publicKey);
    this.#sealed.flush();
    return id;
  }

  renameNotebook(id: string, name: string): void {
    renameNotebook(this.#doc, id, name);
    this.#sealed.flush();
  }

  /** Notebooks with colour and pending deletion (notebook-meta.ts); notebooks() hides neither. */
  notebookEntries(): NotebookEntry[] {
    return listNotebookEntries(this.#doc).filter((nb) => notebookKeys(this.#doc, nb.id) !== undefined);
  }

  setNotebookColour(id: string, colour: NotebookColour): void {
    if (setNotebookColour(this.#doc, id, colour)) this.#sealed.flush();
  }

  /** Starts the undo window; purgeNotebook ends it. */
  deleteNotebook(id: string, now = Date.now()): void {
    if (startNotebookDeletion(this.#doc, id, now)) this.#sealed.flush();
  }

  undoDeleteNotebook(id: string): void {
    if (undoNotebookDeletion(this.#doc, id)) this.#sealed.flush();
  }

  /** Makes a deletion final: closes the notebook, leaves a tombstone, then removes its box database. */
  async purgeNotebook(id: string): Promise<void> {
    this.#assertUnlocked();
    await this.#open.get(id)?.close();
    // The tombstone first: vault sync stops replicating what the vault doc no longer lists.
    if (!finalizeNotebookDeletion(this.#doc, id)) return;
    this.#sealed.flush();
    await this.#boxHandle.flushed();
    const loaded = this.#boxes.get(id);
    this.#boxes.delete(id);
    if (loaded) {
      const { box, handle } = await loaded;
      await handle.close();
      box.destroy();
    }
    await this.#services.boxes.remove(notebookBoxName(this.#boxNameKey, id));
    await removeSearchIndex(this.#services.storage, this.#boxNameKey, id);
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
    // Two callers (the UI and a join) must get one notebook, not two SealedDocs on one box.
    const pending = this.#opening.get(id) ?? this.#openNew(id);
    this.#opening.set(id, pending);
    try {
      return await pending;
    } finally {
      this.#opening.delete(id);
    }
  }

  async #openNew(id: string): Promise<VaultResult<OpenNotebook>> {
    const room = notebookRoom(this.#doc, id);
    if (!room || !notebookKeys(this.#doc, id)) return { ok: false, error: { code: 'E_NOTEBOOK_UNKNOWN', message: `No notebook ${id} in this vault.` } };
    const identity = this.#identity();
    startSharing(this.#doc, id, identity);
    const loaded = await this.#loadBox(id);
    const { box } = loaded;
    // The handle is read when used: a vault-key rotation moves the box to another database.
    const shared = openSharedNotebook(id, this.#doc, box, identity, { ownDevices: this.#ownDevices, onCompact: () => trimLog(loaded.handle) });
    if (!shared.ok) return shared;
    const { plain: doc, sealed } = shared.value;
    const notebook: OpenNotebook = {
      id,
      doc,
      sealed,
      box,
      roomId: room.roomId,
      roomPassword: room.password,
      shared: shared.value,
      flush: async () => {
        sealed.flush();
        await loaded.handle.flushed();
      },
      close: async () => {
        if (this.#open.get(id) !== notebook) return;
        this.#open.delete(id);
        sealed.flush();
        shared.value.close();
        shared.value.keyring.wipe();
        // The box stays loaded (and replicating, if sync runs) until the vault locks.
        await loaded.handle.flushed();
      },
    };
    this.#sealed.flush();
    this.#open.set(id, notebook);
    return { ok: true, value: notebook };
  }

  /** Loads a notebook's box once; open notebooks and replication share it. */
  #loadBox(id: string): Promise<LoadedBox> {
    let loaded = this.#boxes.get(id);
    if (!loaded) {
      const box = new Y.Doc();
      const opening = this.#services.boxes.open(notebookBoxName(this.#boxNameKey, id), box).then((handle) => ({ box, handle }));
      // A database that failed to open is tried again next time, not remembered as failed.
      opening.catch(() => {
        if (this.#boxes.get(id) === opening) this.#boxes.delete(id);
        box.destroy();
      });
      this.#boxes.set(id, opening);
      loaded = opening;
    }
    return loaded;
  }

  /** For startVaultSync: the vault doc's box and its room, derived from the vault key. */
  vaultReplica(): BoxReplica {
    this.#assertUnlocked();
    // Every device of the vault holds the vault key: each can write the room and set its policy.
    return this.#vaultRoomReplica(this.#box, vaultRoomSecrets(this.#key, this.vaultId));
  }

  /**
   * For startVaultSync: the vault rooms of the keys this device replaced when it removed a
   * device (removeDevice), with only the handovers of the new key (and the removed device's
   * revocation) in them, so the person's other devices, still there, find them
   * (vault-key-handover.ts). Offered at every unlock until each recipient took its handover up.
   */
  retiredVaultReplicas(): BoxReplica[] {
    this.#assertUnlocked();
    return this.#retired.rooms().map((room) => this.#vaultRoomReplica(room.box, room.secrets));
  }

  #vaultRoomReplica(box: Y.Doc, secrets: VaultRoomSecrets): BoxReplica {
    const live = (): boolean => !this.#locked && !this.#locking;
    return {
      box,
      roomId: secrets.roomId,
      password: secrets.password,
      presenceKey: secrets.presence.slice(),
      presenceSigner: this.#device.signing,
      // The person's devices: approved ones only (device-approvals.ts).
      signingKeyOf: (deviceId) => (this.#locked || !this.#sealing.approvals.approved(deviceId) ? undefined : listedSigningKey(this.#doc, deviceId)),
      relayWrite: {
        writer: () => (live() ? secrets.writer : undefined),
        admin: () => (live() ? { key: secrets.admin, epoch: 0 } : undefined),
        onChange: () => () => undefined,
      },
    };
  }

  /**
   * For startVaultSync: a listed notebook's box (loaded from disk, not decrypted) and its
   * room; undefined when the vault doc does not list it.
   */
  async notebookReplica(id: string): Promise<BoxReplica | undefined> {
    this.#assertUnlocked();
    const room = notebookRoom(this.#doc, id);
    if (!room) return undefined;
    const { box } = await this.#loadBox(id);
    return {
      box,
      roomId: room.roomId,
      password: room.password,
      presenceKey: room.presenceKey.slice(),
      presenceSigner: this.#device.signing,
      // Current members only, and only while the notebook is open (its member list is plain then).
      signingKeyOf: (deviceId) => {
        const member = this.#open.get(id) && readMember((this.#open.get(id) as OpenNotebook).doc, deviceId);
        return member && member.removedAt === undefined && member.role !== 'invite' ? member.signingPublicKey : undefined;
      },
      relayWrite: this.#notebookRelayWrite(id, room.roomId, box),
    };
  }

  /**
   * A notebook room's write key follows the notebook's current key (from the vault doc, where
   * key epochs put it); its admin is this vault if it founded the notebook, at the epoch of the
   * current key.
   */
  #notebookRelayWrite(id: string, roomId: string, box: Y.Doc): RelayWriteSource {
    const current = (): { keyId: string; key: Uint8Array } | undefined => {
      if (this.#locked || this.#locking) return undefined;
      const keys = notebookKeys(this.#doc, id);
      const key = keys?.keys.get(keys.currentKeyId);
      return keys && key ? { keyId: keys.currentKeyId, key } : undefined;
    };
    return {
      writer: () => {
        const key = current();
        return key && roomWriteKey(key.key, roomId);
      },
      admin: () => {
        const key = current();
        const seed = key && relayAdminSeed(this.#doc, id, () => derivedBytes(this.#key, 'relay-admin-seed', id));
        const room = notebookRoom(this.#doc, id);
        return key && seed && room ? { key: roomAdminKey(seed, roomId), epoch: epochOfKey(box, id, roomMeta(room), key.keyId) } : undefined;
      },
      onChange: (listener) => {
        let last = current()?.keyId;
        const onVault = (): void => {
          const now = current()?.keyId;
          if (now === last) return;
          last = now;
          listener();
        };
        this.#doc.on('update', onVault);
        return () => this.#doc.off('update', onVault);
      },
    };
  }

  /** startVaultSync registers here; lock() stops it. Returns the detach function. */
  attachSync(sync: AttachedSync): () => void {
    this.#assertUnlocked();
    if (this.#sync && this.#sync !== sync) throw new Error('vault already has a running sync');
    this.#sync = sync;
    return () => {
      if (this.#sync === sync) this.#sync = undefined;
    };
  }

  /** Whether startVaultSync runs for this vault (joins wait on it). */
  get syncing(): boolean {
    return this.#sync !== undefined;
  }

  /** This device's id in member lists. */
  get deviceId(): string {
    return deviceIdFor(this.#device.signing.publicKey);
  }

  /**
   * A link `<origin>/#/join/...` that lets one other person's device join this notebook
   * (sync/share/join-notebook.ts). It carries the notebook's founding key, so the joiner
   * finds the room; the current key is sealed to the invite in the box.
   */
  async createInvite(notebookId: string, options: InviteOptions): Promise<VaultResult<{ link: string; inviteId: string }>> {
    const opened = await this.openNotebook(notebookId);
    if (!opened.ok) return opened;
    const name = this.notebooks().find((nb) => nb.id === notebookId)?.name ?? '';
    return createNotebookInvite(opened.value, name, this.#doc, options);
  }

  /**
   * Withdraws an unused invite; its link stops working for anyone who has not joined. An
   * owner also rotates the key (the link may have leaked): `rotated` says whether it did.
   */
  async revokeInvite(notebookId: string, inviteId: string): Promise<VaultResult<{ rotated: boolean }>> {
    const opened = await this.openNotebook(notebookId);
    if (!opened.ok) return opened;
    const revoked = revokeNotebookInvite(opened.value, inviteId);
    await this.flush();
    await this.#sync?.settled(notebookId);
    return revoked;
  }

  /**
   * Joins another person's notebook from an invite link: records it in the vault doc,
   * waits until replication (startVaultSync must run) brought the invite's member record,
   * redeems it with this device's keys and flushes. See sync/vault/vault-join.ts.
   */
  async joinByInvite(link: string, options: JoinOptions = {}): Promise<VaultResult<{ notebookId: string }>> {
    this.#assertUnlocked();
    return joinByInvite(
      {
        doc: this.#doc,
        deviceId: this.deviceId,
        syncing: () => this.syncing,
        locked: () => this.#locked || this.#locking,
        openNotebook: (id) => this.openNotebook(id),
        notebookBox: async (id) => (notebookRoom(this.#doc, id) ? (await this.#loadBox(id)).box : undefined),
        flushVault: () => this.flush(),
        relayDelivered: async (id, timeoutMs) => (await this.#sync?.delivered(id, timeoutMs)) ?? false,
      },
      link,
      options,
    );
  }

  /** Every device in the notebook's member list (removed ones too, with removedAt). */
  async members(notebookId: string): Promise<VaultResult<MemberView[]>> {
    const opened = await this.openNotebook(notebookId);
    if (!opened.ok) return opened;
    return { ok: true, value: listNotebookMembers(opened.value.shared) };
  }

  /** Devices the owner-signed head of the member list names that this device has not received (`E_MEMBERS_INCOMPLETE`). */
  async missingMembers(notebookId: string): Promise<VaultResult<string[]>> {
    const opened = await this.openNotebook(notebookId);
    if (!opened.ok) return opened;
    return { ok: true, value: missingNotebookMembers(opened.value.shared) };
  }

  /**
   * An owner approves a device a member that is not an owner added (one of that member's own
   * devices, it says): it becomes a member, never an owner (sync/share/member-requests.ts).
   */
  async approveMember(notebookId: string, deviceId: string): Promise<VaultResult<{ deviceId: string }>> {
    const opened = await this.openNotebook(notebookId);
    if (!opened.ok) return opened;
    const approved = approveMember(opened.value.shared, deviceId);
    if (approved.ok) handCurrentKey(opened.value.shared);
    await this.flush();
    return approved;
  }

  /**
   * Removes a member device and rotates the notebook key (removeMemberAndRotate): the new
   * key goes to every remaining member, a snapshot under it replaces the box's entries.
   */
  async removeMember(notebookId: string, deviceId: string): Promise<VaultResult<{ keyId: string }>> {
    const opened = await this.openNotebook(notebookId);
    if (!opened.ok) return opened;
    const removed = removeNotebookMember(opened.value.shared, deviceId);
    await this.flush();
    // From here the removed device's writes are refused by the relay too.
    await this.#sync?.settled(notebookId);
    return removed;
  }

  /**
   * Old device: answers a new device's request link (beginDeviceLink on that device) by
   * sealing the vault key to it, and approves the new device's signing key from the request
   * as the person's (device-approvals.ts). Call only once the person has compared the
   * request's fingerprint (parseDeviceLinkRequest, requestFingerprint) with the new device's
   * screen: it covers that key. Then show `checkCode`. `now` is this device's clock, against
   * which the request's expiry is checked.
   */
  answerDeviceLink(requestLink: string, origin: string, now = Date.now(), options: DeviceLinkGrant = {}): VaultResult<DeviceLinkAnswer> {
    this.#assertUnlocked();
    const answer = answerDeviceLink(requestLink, origin, this.#key, this.#header.vaultId, this.#device.signing.publicKey, now);
    if (!answer.ok) return answer;
    const { newDevicePublicKey: signing, newDeviceBoxPublicKey: box } = answer.value;
    this.#sealing.approvals.approve(signing);
    // Before the device is listed, in the same flush: the notebooks that add it read its role from this.
    if (options.grantOwner === true) writeOwnerGrant(this.#doc, this.vaultId, signing, this.#device.signing);
    // Listed now, by this approving device: open notebooks add it at once (addOwnDevices on the
    // vault doc's update), the others below, so the new device is a member of each when it
    // arrives even if this one is offline by then.
    registerDevice(this.#doc, deviceIdFor(signing), signing, box);
    this.#sealed.flush();
    void this.#addOwnDevicesEverywhere().catch(() => undefined);
    return answer;
  }

  /**
   * Opens every notebook (opening adds the person's approved devices, addOwnDevices) and
   * flushes. Note: they stay open until lock; closing one here could close it under the screen
   * that opened it meanwhile (the two share one OpenNotebook). Their boxes are in memory anyway.
   */
  async #addOwnDevicesEverywhere(): Promise<void> {
    for (const { id } of this.notebooks()) {
      if (this.#locked || this.#locking) return;
      const opened = await this.openNotebook(id);
      if (opened.ok) await opened.value.flush();
    }
  }

  #identity(): DeviceIdentity {
    return { deviceId: deviceIdFor(this.#device.signing.publicKey), signing: this.#device.signing, box: this.#device.box };
  }

  /** Seals everything pending and waits until it is on disk. */
  async flush(): Promise<void> {
    this.#sealed.flush();
    await Promise.all([this.#boxHandle.flushed(), ...[...this.#open.values()].map((notebook) => notebook.flush())]);
  }

  /**
   * Whether `passphrase` opens this vault's header (full Argon2id cost); the key it yields is
   * wiped. E_VAULT_HEADER_CHANGED when another tab stored a new header since this one read it.
   */
  async checkPassphrase(passphrase: string): Promise<VaultResult<true>> {
    this.#assertUnlocked();
    if (!(await isStoredVaultHeader(this.#services.storage, this.#header))) return headerChanged();
    const key = await unlockWithPassphrase(this.#header, passphrase);
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
    this.#assertUnlocked();
    return this.#exclusive(async () => {
      const next = rewrapRecoveryKey(this.#header, this.#key);
      if (!(await this.#storeHeader(next.header))) return headerChanged();
      publishRecoveryRecord(this.#doc, { wrapped: next.header.recovery.wrapped, keyId: vaultKeyId(this.#key, this.vaultId), madeAt: Date.now(), madeBy: this.deviceId });
      this.#sealed.flush();
      return { ok: true, value: next.recoveryKey };
    });
  }

  /** The encrypted backup's seal over its section count and chain hash (sync/backup/backup-seal.ts); the key stays here. */
  sealBackup(count: number, chain: Uint8Array): Uint8Array {
    this.#assertUnlocked();
    return sealBackup(this.#key, count, chain);
  }

  /** A record only this device keeps, sealed under the vault key (device-record.ts). */
  async saveDeviceRecord(name: string, bytes: Uint8Array): Promise<void> {
    // A rotation re-seals every record: one written meanwhile would be lost or sealed under the old key.
    await this.#rotation?.catch(() => undefined);
    this.#assertUnlocked();
    await saveDeviceRecord(this.#services.storage, this.#key, this.vaultId, name, bytes);
  }

  async loadDeviceRecord(name: string): Promise<VaultResult<Uint8Array> | undefined> {
    await this.#rotation?.catch(() => undefined);
    this.#assertUnlocked();
    return loadDeviceRecord(this.#services.storage, this.#key, this.vaultId, name);
  }

  /** Keeps a notebook's search index (ml/search/index-snapshot.ts bytes) sealed on this device (search-index-record.ts). */
  async saveSearchIndex(notebookId: string, index: Uint8Array): Promise<void> {
    await this.#rotation?.catch(() => undefined);
    this.#assertUnlocked();
    await saveSearchIndex(this.#services.storage, { vault: this.#key, names: this.#boxNameKey }, this.vaultId, notebookId, index);
  }

  /** undefined when none is kept; an error when it does not open (another vault or notebook, damaged): the caller rebuilds. */
  async loadSearchIndex(notebookId: string): Promise<VaultResult<Uint8Array> | undefined> {
    await this.#rotation?.catch(() => undefined);
    this.#assertUnlocked();
    return loadSearchIndex(this.#services.storage, { vault: this.#key, names: this.#boxNameKey }, this.vaultId, notebookId);
  }

  async removeDeviceRecord(name: string): Promise<void> {
    this.#assertUnlocked();
    await removeDeviceRecord(this.#services.storage, name);
  }

  /** Re-wraps the vault key under `newPassphrase`; E_VAULT_HEADER_CHANGED as regenerateRecoveryKey. */
  async changePassphrase(newPassphrase: string): Promise<VaultResult<true>> {
    this.#assertUnlocked();
    return this.#exclusive(async () => {
      const next = await rewrapPassphrase(this.#header, this.#key, newPassphrase, this.#services.pwhash);
      if (!(await this.#storeHeader(next))) return headerChanged();
      return { ok: true, value: true };
    });
  }

  /** Follows what this vault stores in its header (to tell its other tabs). Returns the unsubscribe. */
  onHeaderChange(listener: (change: HeaderChange) => void): () => void {
    this.#headerListeners.add(listener);
    return () => this.#headerListeners.delete(listener);
  }

  /**
   * Another tab said it stored a re-wrapped header (`rewrapped`): takes the stored header as
   * this tab's if it is the one named by `digest`. False when it is not (the store changed
   * again since, e.g. a rotation): this tab's header is stale, and the app locks it.
   */
  async adoptHeader(digest: string): Promise<boolean> {
    if (this.#locked || this.#locking) return false;
    const stored = await loadVaultHeader(this.#services.storage);
    if (!stored?.ok || stored.value.vaultId !== this.vaultId || vaultHeaderDigest(stored.value) !== digest) return false;
    this.#header = stored.value;
    return true;
  }

  /** Compare-and-swap against the header this tab holds; on success it becomes this tab's and its other tabs hear of it. */
  async #storeHeader(next: VaultHeader): Promise<boolean> {
    if (!(await replaceVaultHeader(this.#services.storage, this.#header, next))) return false;
    this.#header = next;
    this.#announce({ kind: 'rewrapped', digest: vaultHeaderDigest(next) });
    return true;
  }

  #announce(change: HeaderChange): void {
    for (const listener of [...this.#headerListeners]) {
      try {
        listener(change);
      } catch {
        // A listener's failure is the app's to report; the header is stored either way.
      }
    }
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    return underHeaderLock(this.#services, work);
  }

  /**
   * A new random vault key for everything the old one covers (sync/vault/vault-key-rotation.ts):
   * the header (same passphrase, checked first: E_PASSPHRASE; a new recovery key, returned
   * once), the vault doc and its room, device seeds and records, box database names; the
   * person's other devices are signed out, and every notebook this device owns gets one new
   * key without them. Stops sync (the app starts it again). On a failure before the new
   * header is stored nothing changes on disk and the vault is locked (E_STORAGE_FULL,
   * E_ROTATION_FAILED).
   */
  async rotateVaultKey(passphrase: string): Promise<VaultResult<VaultKeyRotation>> {
    return this.#rotate(passphrase, { kind: 'all' });
  }

  /**
   * Removes ONE of the person's devices (a lost or stolen one) and keeps the others
   * (sync/PROTOCOL.md "Removing one device"): a signed revocation of it, a new vault key for
   * everything the old one covers (as rotateVaultKey, with a new recovery key returned once),
   * handed to each other approved device sealed to its box key, and one new key epoch in every
   * notebook this device owns, without the removed device. The other devices take up the new
   * key at their next unlock with the passphrase (followHandover). Stops sync (the app starts
   * it again; it then serves the handovers in the old vault room too). E_DEVICE_UNKNOWN for
   * this device, a device the vault doc does not list, or one already removed.
   */
  async removeDevice(deviceId: string, passphrase: string): Promise<VaultResult<VaultKeyRotation>> {
    this.#assertUnlocked();
    if (deviceId === this.deviceId || !devicesMap(this.#doc).has(deviceId) || isDeviceRevoked(this.#doc, deviceId)) {
      return { ok: false, error: { code: 'E_DEVICE_UNKNOWN', message: 'Not one of your other devices (or removed already): nothing was changed.' } };
    }
    return this.#rotate(passphrase, { kind: 'remove', deviceId });
  }

  /**
   * Whether another of the person's devices removed one and handed this device a new vault
   * key: either the kept device's (followHandover takes it up) or one the person is asked
   * about first (handoverChoice).
   */
  handoverWaiting(): boolean {
    this.#assertUnlocked();
    return this.#decisionKind() !== 'none';
  }

  /** The question for the person when a handover waits that they did not choose yet: who removed whom. */
  handoverChoice(): HandoverChoice | undefined {
    this.#assertUnlocked();
    const decision = this.#decision();
    if (decision.kind === 'follow') wipe(decision.handover.key);
    return decision.kind === 'ask' ? decision.choice : undefined;
  }

  /**
   * The person keeps `deviceId` (one of the devices a handover here names): its handover is
   * followed, now or when it arrives, and every other signer's handover here is refused from
   * now on. Stored on this device. E_DEVICE_UNKNOWN for a device the vault doc does not list.
   */
  async keepDevice(deviceId: string): Promise<VaultResult<void>> {
    this.#assertUnlocked();
    if (deviceId === this.deviceId || !devicesMap(this.#doc).has(deviceId)) {
      return { ok: false, error: { code: 'E_DEVICE_UNKNOWN', message: 'Not one of your other devices: nothing was chosen.' } };
    }
    this.#kept = keepDevice(this.#kept, deviceId, this.#offered());
    // The person says the kept device is theirs, as a device link would: it stays approved
    // here when the only chain to it ran through a device now refused (a tablet the phone linked).
    const signing = listedSigningKey(this.#doc, deviceId);
    if (signing) this.#sealing.approvals.approve(signing);
    this.#sealing.approvals.refuse(this.#kept.refused);
    await saveDeviceRecord(this.#services.storage, this.#key, this.vaultId, KEPT_DEVICES_RECORD, encodeKeptDevices(this.#kept, vaultKeyId(this.#key, this.vaultId)));
    return { ok: true, value: undefined };
  }

  /**
   * Called when a handover for this device arrives; the vault then locks itself (the next
   * unlock asks which device to keep, or takes up the kept one's), having sealed what was
   * written before it and nothing after: what this device would seal under the old keys, the
   * removed device could read. Returns the unsubscribe.
   */
  onHandover(listener: () => void): () => void {
    this.#handoverListeners.add(listener);
    return () => this.#handoverListeners.delete(listener);
  }

  /**
   * Takes up the vault key the kept device handed this one when it removed a device:
   * everything the vault key covers here moves under it (the header re-wrapped with
   * `passphrase`, the vault doc, device seeds and records, box names), nothing is signed out or
   * rotated, and the vault's recovery key (made by the removing device) is adopted once the
   * vault doc brings it. Returns false when no handover of a kept device waits. unlockVault
   * calls it when unlocked with the passphrase.
   */
  async followHandover(secret: RotationSecret): Promise<VaultResult<boolean>> {
    this.#assertUnlocked();
    const decision = this.#decision();
    if (decision.kind !== 'follow') return { ok: true, value: false };
    const { handover } = decision;
    const followed = await this.#rotate(secret, { kind: 'follow', key: handover.key, from: handover.signerPublicKey });
    wipe(handover.key);
    if (!followed.ok) return followed;
    // The answer was about this handover: the kept device's next one is asked about again
    // (a record left by a crash here names the old key, and reads as no answer).
    this.#kept = NO_CHOICE;
    await removeDeviceRecord(this.#services.storage, KEPT_DEVICES_RECORD);
    return { ok: true, value: true };
  }

  /** The handovers for this device from devices the vault doc lists with that signing key (handover-choice.ts decides). */
  #offered(): OfferedHandover[] {
    const place = { box: this.#box, vaultId: this.vaultId, meta: vaultSealedMeta(this.#key, this.vaultId) };
    // A device linked through the removed one reaches the remover through it no longer; the
    // remover's revocation of it, applied while the chain held, vouches for the remover. A
    // revoked device was one of the person's: the person is asked about it, never it followed.
    const signers = revocationSigners(this.#doc, this.vaultId);
    const listed = (id: string, signing: Uint8Array): boolean => {
      const key = listedSigningKey(this.#doc, id);
      return key !== undefined && bytesEqual(key, signing) && (this.#sealing.approvals.approved(id) || signers.has(id) || revokedBy(this.#doc, this.vaultId, id) !== undefined);
    };
    return offeredHandovers(place, { signing: this.#device.signing.publicKey, box: this.#device.box }, listed, this.#key);
  }

  /** What to do with the handovers here. A key to follow is a copy the caller wipes; every other key opened is wiped here. */
  #decision(): HandoverDecision {
    const offered = this.#offered();
    const decision = decideHandover(offered, {
      revokedBy: (id) => revokedBy(this.#doc, this.vaultId, id),
      revokedByIt: (id) => revokedByIt(this.#doc, this.vaultId, id),
      name: (id) => deviceName(this.#doc, id),
      nameShared: (id) => {
        const name = deviceName(this.#doc, id);
        return name !== undefined && [...devicesMap(this.#doc).keys()].some((other) => other !== id && deviceName(this.#doc, other) === name);
      },
      choice: this.#kept,
    });
    const result: HandoverDecision = decision.kind === 'follow' ? { kind: 'follow', handover: { ...decision.handover, key: asVaultKey(decision.handover.key.slice()) } } : decision;
    for (const handover of offered) wipe(handover.key);
    return result;
  }

  #decisionKind(): HandoverDecision['kind'] {
    const decision = this.#decision();
    if (decision.kind === 'follow') wipe(decision.handover.key);
    return decision.kind;
  }

  #watchHandovers(): void {
    vaultKeysMap(this.#box).observe(() => {
      if (this.#locked || this.#locking || this.#rotation) return;
      if (this.#decisionKind() === 'none') return;
      // Before anything else runs: no notebook or vault doc write is sealed under the old keys
      // from here on (what was written before is sealed now, as a lock would).
      // (SealedDoc.destroy seals what is pending, then stops.)
      this.#locking = true;
      this.#sealed.destroy();
      for (const notebook of this.#open.values()) notebook.sealed.destroy();
      for (const listener of [...this.#handoverListeners]) {
        try {
          listener();
        } catch {
          // The app's to report; the vault locks either way.
        }
      }
      void this.#lockNow();
    });
  }

  async #rotate(passphrase: RotationSecret, plan: RotationPlan): Promise<VaultResult<VaultKeyRotation>> {
    this.#assertUnlocked();
    if (this.#locking) throw new Error('vault is locking');
    // One at a time; a lock asked for meanwhile waits for this one (it is in #rotation).
    const previous = this.#rotation;
    const run = (async () => {
      await previous?.catch(() => undefined);
      // The previous one may have failed, which locks.
      this.#assertUnlocked();
      return this.#exclusive(() => rotateVaultKey(this.#rotationHost(), passphrase, plan));
    })();
    this.#rotation = run;
    try {
      return await run;
    } finally {
      if (this.#rotation === run) this.#rotation = undefined;
    }
  }

  /** What a rotation would do now: how many other devices it signs out, how many notebooks keep their key. */
  async vaultKeyRotationPreview(): Promise<VaultKeyRotationPreview> {
    this.#assertUnlocked();
    const otherDevices = [...devicesMap(this.#doc).keys()].filter((id) => id !== this.deviceId && !isDeviceRevoked(this.#doc, id)).length;
    let notebooksKeepingKey = 0;
    for (const { id } of this.notebooks()) {
      const wasOpen = this.#open.has(id);
      const opened = await this.openNotebook(id);
      if (!opened.ok || !isCurrentOwner(opened.value.shared.plain, this.deviceId)) notebooksKeepingKey++;
      if (opened.ok && !wasOpen) await opened.value.close();
    }
    return { otherDevices, notebooksKeepingKey };
  }

  #rotationHost(): Parameters<typeof rotateVaultKey>[0] {
    const services = this.#services;
    return {
      storage: services.storage,
      boxes: services.boxes,
      ...(services.pwhash ? { pwhash: services.pwhash } : {}),
      vaultId: this.vaultId,
      doc: this.#doc,
      vaultBox: { box: this.#box, handle: this.#boxHandle },
      self: { deviceId: this.deviceId, signing: this.#device.signing, seeds: this.#device.seeds },
      header: () => this.#header,
      headerCurrent: () => isStoredVaultHeader(services.storage, this.#header),
      // Not #storeHeader: the new header wraps another key, so no tab may adopt it.
      storeHeader: (next) => replaceVaultHeader(services.storage, this.#header, next),
      announce: () => this.#announce({ kind: 'rotating' }),
      key: () => this.#key,
      stopSync: () => {
        this.#sync?.stop();
        this.#sync = undefined;
      },
      flush: () => this.flush(),
      loadListedBoxes: async () => {
        const loaded = new Map<string, MovableBox>();
        for (const { id } of listNotebooks(this.#doc)) if (notebookRoom(this.#doc, id)) loaded.set(id, await this.#loadBox(id));
        return loaded;
      },
      boxName: notebookBoxName,
      useBoxNames: (key) => {
        this.#boxNameKey = key;
      },
      resealVaultDoc: (key, approvals) => {
        const records = this.#sealing.approvals.records();
        // The devices this one takes for the person's now (but the removed one): approved
        // directly under the new key, since a chain through the removed device breaks.
        const keep =
          approvals === 'start-over'
            ? []
            : [...devicesMap(this.#doc).keys()]
                .filter((id) => id !== this.deviceId && !approvals.without.has(id) && this.#sealing.approvals.approved(id))
                .flatMap((id) => listedSigningKey(this.#doc, id) ?? []);
        this.#sealing.destroy();
        this.#sealing = sealVaultDoc({
          vaultId: this.vaultId,
          plain: this.#doc,
          box: this.#box,
          key,
          signer: this.#device.signing,
          onCompact: () => trimLog(this.#boxHandle),
        });
        // The whole vault doc as one snapshot under the new key; the old envelopes stay
        // (quarantined here, E_KEY_UNKNOWN) until the new header is stored.
        this.#sealed.compact();
        this.#forwardApprovals();
        if (approvals === 'start-over') this.#sealing.approvals.startOver();
        else {
          this.#sealing.approvals.carryOver(records, approvals.without);
          for (const signing of [...keep, ...(approvals.approve ? [approvals.approve] : [])]) this.#sealing.approvals.approve(signing);
        }
        this.#sealed.flush();
      },
      prepareHandover: async (from, key, removed) => {
        const recipients = listOwnDevices(this.#doc, this.deviceId, (id) => id !== removed && this.#sealing.approvals.approved(id) && !isDeviceRevoked(this.#doc, id))
          .filter((device) => !device.self)
          .map((device) => ({ deviceId: device.deviceId, keys: listedDeviceKeys(this.#doc, device.deviceId) }));
        const box = new Y.Doc();
        const place = { box, vaultId: this.vaultId, meta: vaultSealedMeta(from, this.vaultId) };
        // The revocation, sealed under the old key too: the devices still there refuse a
        // handover the removed device might write (it holds the old key) once they read it.
        const plain = new Y.Doc();
        const old = sealVaultDoc({ vaultId: this.vaultId, plain, box, key: from, signer: this.#device.signing });
        writeDeviceRevocation(plain, this.vaultId, removed, this.#device.signing);
        old.sealed.flush();
        old.destroy();
        plain.destroy();
        const keyId = vaultKeyId(key, this.vaultId);
        const handedTo: string[] = [];
        box.transact(() => {
          for (const { deviceId, keys } of recipients) {
            if (!keys) continue;
            writeHandover(place, keyId, key, keys, this.#device.signing);
            handedTo.push(deviceId);
          }
        });
        // Kept with the records this rotation re-sealed (staged: stored exactly when the new header is).
        this.#retired.add(from, box, handedTo);
        const record = this.#retired.record();
        if (record) await this.#services.storage.save(stagedKey(deviceRecordKey(PENDING_HANDOVERS_RECORD)), sealDeviceRecord(key, this.vaultId, PENDING_HANDOVERS_RECORD, record));
        return handedTo;
      },
      notebooks: () => this.notebooks().map(({ id }) => ({ id, open: this.#open.has(id) })),
      openNotebook: (id) => this.openNotebook(id),
      commit: (header, key, publishRecovery) => {
        this.#header = header;
        this.#key = key;
        this.#boxNameKey = key;
        // Their storage keys came from the old key: dropped, each rebuilt when its notebook opens.
        void removeAllSearchIndexes(this.#services.storage).catch(() => undefined);
        // The new recovery key is the vault's: the doc's wraps the old vault key. A device
        // following a handover adopts the one the removing device made (#followRecovery).
        if (publishRecovery) this.#publishRecoveryIf(false);
        this.#sealed.flush();
      },
      lockNow: () => this.#lockNow(),
    };
  }

  /** Flushes, closes every document and wipes every key this object holds (after a running rotation). */
  async lock(): Promise<void> {
    if (this.#locked) return;
    this.#locking = true;
    await this.#rotation?.catch(() => undefined);
    await this.#lockNow();
  }

  /** The one lock in progress: a second caller (the app's lock while a handover locks) waits for it. */
  #lockRun: Promise<void> | undefined;

  #lockNow(): Promise<void> {
    this.#lockRun ??= this.#lockOnce();
    return this.#lockRun;
  }

  async #lockOnce(): Promise<void> {
    if (this.#locked) return;
    this.#locking = true;
    this.#sync?.stop();
    this.#sync = undefined;
    await Promise.allSettled(this.#opening.values());
    for (const notebook of [...this.#open.values()]) await notebook.close();
    for (const loading of this.#boxes.values()) {
      const loaded = await loading.catch(() => undefined);
      if (!loaded) continue;
      await loaded.handle.close();
      loaded.box.destroy();
    }
    this.#boxes.clear();
    this.#retired.wipe();
    this.#sealing.destroy();
    await this.#boxHandle.close();
    this.#doc.destroy();
    this.#box.destroy();
    wipe(this.#key);
    wipe(this.#boxNameKey);
    wipe(this.#device.seeds);
    wipe(this.#device.signing.secretKey);
    wipe(this.#device.box.secretKey);
    this.#locked = true;
  }

  #assertUnlocked(): void {
    if (this.#locked) throw new Error('vault is locked');
  }
}

function headerChanged(): { ok: false; error: { code: 'E_VAULT_HEADER_CHANGED'; message: string } } {
  return {
    ok: false,
    error: {
      code: 'E_VAULT_HEADER_CHANGED',
      message: 'The passphrase, recovery key or vault key was changed in another tab since this one was unlocked. Nothing was changed here.',
    },
  };
}

/** Box names on disk are keyed hashes, so IndexedDB never lists a notebook id or name. */
function notebookBoxName(vaultKey: VaultKey, notebookId: string): string {
  return `obscura-box-${deriveId(vaultKey, 'notebook-box', notebookId).slice(0, 32)}`;
}

/**
 * Trims a box's stored update log after a compaction. Only an optimization: the log still
 * holds every update when it fails (a full disk), so a failure is dropped, not thrown into
 * nobody's hands; the next compaction tries again.
 */
function trimLog(handle: BoxHandle): void {
  handle.compact().catch(() => undefined);
}
