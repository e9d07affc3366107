import * as Y from 'yjs';
import { wipe, type VaultHeader, type VaultKey } from '../../crypto/index.ts';
import type { SealedDoc } from '../sealed/sealed-doc.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import type { DeviceIdentity } from '../share/shared-notebook.ts';
import type { BoxHandle } from '../storage/box-persistence.ts';
import type { AttachedSync } from './attached-sync.ts';
import { loadDeviceRecord } from './device-record.ts';
import { markSeen } from './device-names.ts';
import { DeviceRemoval } from './device-removal.ts';
import { decodeKeptDevices, KEPT_DEVICES_RECORD, NO_CHOICE, type KeptDevices } from './handover-choice.ts';
import { HandoverFollowing } from './handover-following.ts';
import { notebookBoxName, NotebookRegistry } from './notebook-registry.ts';
import { PENDING_HANDOVERS_RECORD, RetiredVaultRooms } from './retired-vault-rooms.ts';
import { resealVaultDoc } from './reseal-vault-doc.ts';
import { removeAllSearchIndexes } from './search-index-record.ts';
import { trimLog } from './trim-log.ts';
import { VaultDeviceRecords } from './vault-device-records.ts';
import { VaultDevices } from './vault-devices.ts';
import { sealVaultDoc, vaultKeyId, type SealedVaultDoc } from './vault-doc-sealing.ts';
import { listNotebooks, notebookRoom, registerDevice } from '../vault-doc/vault-doc.ts';
import type { MovableBox, RotationHost } from './vault-key-rotation.ts';
import { isStoredVaultHeader, replaceVaultHeader, type DeviceKeys } from './vault-records.ts';
import { VaultReplicas } from './vault-replicas.ts';
import { VaultRotation } from './vault-rotation.ts';
import { vaultBoxName } from './vault-rotation-journal.ts';
import { VaultSecrets } from './vault-secrets.ts';
import { underHeaderLock, type VaultServices } from './vault-services.ts';
import { VaultSharing } from './vault-sharing.ts';

export interface VaultOpenOptions {
  /** The signing key of the device whose link brought the vault key here (it is approved back). */
  readonly linkedBy?: Uint8Array;
  /** A vault created just now: its header's recovery wrap becomes the vault's (vault-recovery.ts). */
  readonly newVault?: boolean;
}

interface VaultParts {
  readonly services: VaultServices;
  readonly header: VaultHeader;
  readonly key: VaultKey;
  readonly device: DeviceKeys;
  readonly doc: Y.Doc;
  readonly box: Y.Doc;
  readonly sealing: SealedVaultDoc;
  readonly handle: BoxHandle;
}

/**
 * An unlocked vault: holds the keys until lock() wipes them. It owns what its pieces share
 * (the header and keys, the vault doc and its sealing, the running sync, the lock) and hands
 * each piece only what it needs (its host interface); a caller uses the piece it needs.
 */
export class Vault {
  /** Passphrase, recovery key, the stored header and the backup seal. */
  readonly secrets: VaultSecrets;
  /** The notebooks the vault doc lists: create, rename, delete, open. */
  readonly notebooks: NotebookRegistry;
  /** What startVaultSync replicates. */
  readonly replicas: VaultReplicas;
  /** Other people's devices in the notebooks: invites, joins, members. */
  readonly sharing: VaultSharing;
  /** The person's own devices: names, the list, linking one. */
  readonly devices: VaultDevices;
  /** Removing one of the person's devices (a lost or stolen one). */
  readonly removal: DeviceRemoval;
  /** Following the new vault key another device handed this one when it removed one. */
  readonly handover: HandoverFollowing;
  /** Replacing the vault key. */
  readonly rotation: VaultRotation;
  /** Records only this device keeps, sealed under the vault key. */
  readonly records: VaultDeviceRecords;

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
  readonly #retired: RetiredVaultRooms;
  #sync: AttachedSync | undefined;
  #locked = false;
  /** Set when lock() starts: what runs on (a pending join) must not write any more. */
  #locking = false;
  /** The one lock in progress: a second caller (the app's lock while a handover locks) waits for it. */
  #lockRun: Promise<void> | undefined;

  private constructor(parts: VaultParts, retired: RetiredVaultRooms, kept: KeptDevices) {
    const { services, header, key, device, doc, box, sealing, handle } = parts;
    this.#services = services;
    this.#header = header;
    this.#key = key;
    this.#boxNameKey = key;
    this.#device = device;
    this.#doc = doc;
    this.#box = box;
    this.#sealing = sealing;
    this.#boxHandle = handle;
    this.#retired = retired;
    const vaultId = header.vaultId;
    const deviceId = deviceIdFor(device.signing.publicKey);
    const identity: DeviceIdentity = { deviceId, signing: device.signing, box: device.box };
    const assertUnlocked = (): void => this.#assertUnlocked();
    const closing = (): boolean => this.#locked || this.#locking;
    const busy = (): boolean => closing() || this.rotation.running();
    const seal = (): void => this.#sealed.flush();
    const currentKey = (): VaultKey => this.#key;
    const approvals = (): SealedVaultDoc['approvals'] => this.#sealing.approvals;
    const rotate: VaultRotation['run'] = (secret, plan) => this.rotation.run(secret, plan);
    const rotationDone = (): Promise<void> => this.rotation.done();
    // The registry follows the devices' approvals, and the devices open notebooks: read when used.
    const notebooks = { list: () => this.notebooks.list(), open: (id: string) => this.notebooks.open(id) };
    this.devices = new VaultDevices({ vaultId, deviceId, doc, signing: device.signing, notebooks, key: currentKey, approvals, seal, closing, busy, assertUnlocked });
    this.notebooks = new NotebookRegistry({
      storage: services.storage,
      boxes: services.boxes,
      doc,
      identity,
      ownDevices: this.devices.approvals,
      boxNameKey: () => this.#boxNameKey,
      seal,
      vaultFlushed: () => this.#boxHandle.flushed(),
      assertUnlocked,
    });
    this.secrets = new VaultSecrets({
      services,
      vaultId,
      deviceId,
      doc,
      header: () => this.#header,
      setHeader: (next) => {
        this.#header = next;
      },
      key: currentKey,
      live: () => !closing(),
      settled: () => !busy(),
      seal,
      assertUnlocked,
    });
    this.replicas = new VaultReplicas({
      vaultId,
      doc,
      box,
      signing: device.signing,
      notebooks: this.notebooks,
      retired,
      key: currentKey,
      approved: (id) => approvals().approved(id),
      locked: () => this.#locked,
      live: () => !closing(),
      assertUnlocked,
    });
    this.sharing = new VaultSharing({ doc, deviceId, notebooks: this.notebooks, flush: () => this.flush(), sync: () => this.#sync, closing, assertUnlocked });
    this.records = new VaultDeviceRecords({ storage: services.storage, vaultId, key: currentKey, boxNameKey: () => this.#boxNameKey, rotationDone, assertUnlocked });
    this.rotation = new VaultRotation({
      deviceId,
      doc,
      notebooks: this.notebooks,
      rotationHost: () => this.#rotationHost(),
      exclusive: (work) => underHeaderLock(services, work),
      closing,
      assertUnlocked,
    });
    this.removal = new DeviceRemoval(
      { storage: services.storage, vaultId, deviceId, doc, box, signing: device.signing, key: currentKey, approvals, quarantined: (entry) => this.#sealed.quarantine.has(entry), rotate, closing, busy, rotationDone, assertUnlocked },
      retired,
    );
    this.handover = new HandoverFollowing(
      {
        storage: services.storage,
        vaultId,
        deviceId,
        doc,
        box,
        device: { signing: device.signing, box: device.box },
        key: currentKey,
        approvals,
        rotate,
        busy,
        stopWriting: () => {
          this.#locking = true;
          // SealedDoc.destroy seals what is pending, then stops.
          this.#sealed.destroy();
          for (const notebook of this.notebooks.openNotebooks()) notebook.sealed.destroy();
        },
        lockNow: () => this.#lockNow(),
        assertUnlocked,
      },
      kept,
    );
    this.handover.watch();
  }

  static async open(services: VaultServices, header: VaultHeader, key: VaultKey, device: DeviceKeys, options: VaultOpenOptions = {}): Promise<Vault> {
    const box = new Y.Doc();
    const handle = await services.boxes.open(vaultBoxName(header.vaultId), box);
    const doc = new Y.Doc();
    // The person's answer first: the devices it refused are not trusted for the entries stored here either.
    const keptRecord = await loadDeviceRecord(services.storage, key, header.vaultId, KEPT_DEVICES_RECORD);
    const kept = keptRecord?.ok ? decodeKeptDevices(keptRecord.value, vaultKeyId(key, header.vaultId)) : NO_CHOICE;
    const sealing = sealVaultDoc({ vaultId: header.vaultId, plain: doc, box, key, signer: device.signing, onCompact: () => trimLog(handle), refused: kept.refused });
    // A vault from before device approvals: the devices trusted until now become approved.
    sealing.approvals.adoptListedDevices();
    if (options.linkedBy) sealing.approvals.approve(options.linkedBy);
    // Handovers this device made when it removed one, not all taken up yet: offered again.
    const pending = await loadDeviceRecord(services.storage, key, header.vaultId, PENDING_HANDOVERS_RECORD);
    const retired = pending?.ok ? RetiredVaultRooms.fromRecord(header.vaultId, pending.value) : new RetiredVaultRooms(header.vaultId);
    const vault = new Vault({ services, header, key, device, doc, box, sealing, handle }, retired, kept);
    // A handover waits: nothing is written under the old key before the person said which
    // device to keep (unlockVault asks, and locks again), since the removed device reads it.
    if (vault.handover.decisionKind() === 'none') {
      registerDevice(doc, vault.deviceId, device.signing.publicKey, device.box.publicKey);
      // Last seen: when this device was last unlocked, for the person's other devices.
      markSeen(doc, vault.deviceId);
      vault.devices.keepOwnName();
      vault.secrets.publishRecoveryIf(options.newVault === true);
      sealing.sealed.flush();
      // A vault doc from before writer slots stops naming devices in the vault room.
      sealing.sealed.upgradeWriterSlots();
    }
    vault.secrets.followRecovery();
    vault.removal.watchAcknowledgements();
    return vault;
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

  /** This device's id in member lists. */
  get deviceId(): string {
    return deviceIdFor(this.#device.signing.publicKey);
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

  /** Seals everything pending and waits until it is on disk. */
  async flush(): Promise<void> {
    this.#sealed.flush();
    await Promise.all([this.#boxHandle.flushed(), ...this.notebooks.openNotebooks().map((notebook) => notebook.flush())]);
  }

  /** Flushes, closes every document and wipes every key this object holds (after a running rotation). */
  async lock(): Promise<void> {
    if (this.#locked) return;
    this.#locking = true;
    await this.rotation.done();
    await this.#lockNow();
  }

  #lockNow(): Promise<void> {
    this.#lockRun ??= this.#lockOnce();
    return this.#lockRun;
  }

  async #lockOnce(): Promise<void> {
    if (this.#locked) return;
    this.#locking = true;
    this.#sync?.stop();
    this.#sync = undefined;
    await this.notebooks.closeAll();
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

  /** What vault-key-rotation.ts changes of this vault: the header, keys, sealing and box names it owns. */
  #rotationHost(): RotationHost {
    const services = this.#services;
    const { vaultId, deviceId } = this;
    const doc = this.#doc;
    return {
      storage: services.storage,
      boxes: services.boxes,
      ...(services.pwhash ? { pwhash: services.pwhash } : {}),
      vaultId,
      doc,
      vaultBox: { box: this.#box, handle: this.#boxHandle },
      self: { deviceId, signing: this.#device.signing, seeds: this.#device.seeds },
      header: () => this.#header,
      headerCurrent: () => isStoredVaultHeader(services.storage, this.#header),
      // Not through the secrets: the new header wraps another key, so no tab may adopt it.
      storeHeader: (next) => replaceVaultHeader(services.storage, this.#header, next),
      announce: () => this.secrets.announce({ kind: 'rotating' }),
      key: () => this.#key,
      stopSync: () => {
        this.#sync?.stop();
        this.#sync = undefined;
      },
      flush: () => this.flush(),
      loadListedBoxes: async () => {
        const loaded = new Map<string, MovableBox>();
        for (const { id } of listNotebooks(doc)) if (notebookRoom(doc, id)) loaded.set(id, await this.notebooks.loadBox(id));
        return loaded;
      },
      boxName: notebookBoxName,
      useBoxNames: (key) => {
        this.#boxNameKey = key;
      },
      resealVaultDoc: (key, approvals) => {
        const place = { vaultId, deviceId, plain: doc, box: this.#box, signer: this.#device.signing, onCompact: () => trimLog(this.#boxHandle) };
        resealVaultDoc(this.#sealing, place, key, approvals, {
          adopt: (sealing) => {
            this.#sealing = sealing;
          },
          follow: () => this.devices.forwardApprovals(),
        });
      },
      prepareHandover: (from, key, removed) => this.removal.prepareHandover(from, key, removed),
      notebooks: () => this.notebooks.list().map(({ id }) => ({ id, open: this.notebooks.opened(id) !== undefined })),
      openNotebook: (id) => this.notebooks.open(id),
      commit: (header, key, publishRecovery) => {
        this.#header = header;
        this.#key = key;
        this.#boxNameKey = key;
        // Their storage keys came from the old key: dropped, each rebuilt when its notebook opens.
        void removeAllSearchIndexes(services.storage).catch(() => undefined);
        // The new recovery key is the vault's: the doc's wraps the old vault key. A device
        // following a handover adopts the one the removing device made (VaultSecrets.followRecovery).
        if (publishRecovery) this.secrets.publishRecoveryIf(false);
        this.#sealed.flush();
      },
      lockNow: () => this.#lockNow(),
    };
  }

  #assertUnlocked(): void {
    if (this.#locked) throw new Error('vault is locked');
  }
}
