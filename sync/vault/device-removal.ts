import * as Y from 'yjs';
import type { VaultKey } from '../../crypto/index.ts';
import { boxMaps } from '../sealed/box-layout.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import type { DeviceApprovals } from './device-approvals.ts';
import { listOwnDevices } from './device-names.ts';
import { deviceRecordKey, removeDeviceRecord, saveDeviceRecord, sealDeviceRecord } from './device-record.ts';
import { isDeviceRevoked, writeDeviceRevocation } from '../vault-doc/device-revocations.ts';
import { PENDING_HANDOVERS_RECORD, type RetiredVaultRooms } from './retired-vault-rooms.ts';
import { sealVaultDoc, vaultKeyId, vaultSealedMeta, vaultWriterSlot } from './vault-doc-sealing.ts';
import { devicesMap, listedDeviceKeys } from '../vault-doc/vault-doc.ts';
import { writeHandover } from './vault-key-handover.ts';
import type { RotationPlan, RotationSecret, VaultKeyRotation } from './vault-key-rotation.ts';
import type { DeviceKeys } from './vault-records.ts';
import type { VaultResult } from './vault-result.ts';
import { stagedKey } from './vault-rotation-journal.ts';

/** What removing a device needs of the vault. */
export interface DeviceRemovalHost {
  readonly storage: StorageAdapter;
  readonly vaultId: string;
  readonly deviceId: string;
  /** The plain vault doc and its ciphertext. */
  readonly doc: Y.Doc;
  readonly box: Y.Doc;
  readonly signing: DeviceKeys['signing'];
  key(): VaultKey;
  /** The approvals of whichever sealing of the vault doc is current. */
  approvals(): DeviceApprovals;
  /** Whether the vault doc's sealing holds `entry` (`map:key`) back. */
  quarantined(entry: string): boolean;
  /** Runs a vault-key rotation (vault-key-rotation.ts), one at a time. */
  rotate(secret: RotationSecret, plan: RotationPlan): Promise<VaultResult<VaultKeyRotation>>;
  /** Locked or locking. */
  closing(): boolean;
  /** Locked, locking or rotating. */
  busy(): boolean;
  /** Resolves once no vault-key rotation runs. */
  rotationDone(): Promise<void>;
  assertUnlocked(): void;
}

/**
 * Removing one of the person's devices (a lost or stolen one): the new vault key is handed to
 * the others in the old vault room, offered there until each took it up (retired-vault-rooms.ts).
 */
export class DeviceRemoval {
  readonly #host: DeviceRemovalHost;
  /** The old vault rooms after this device removed one: the handovers of the new key, until taken up. */
  readonly #retired: RetiredVaultRooms;
  /** Stores the pending handovers after a recipient took its up (one write at a time). */
  #savingRetired: Promise<void> = Promise.resolve();

  constructor(host: DeviceRemovalHost, retired: RetiredVaultRooms) {
    this.#host = host;
    this.#retired = retired;
  }

  /**
   * Removes ONE of the person's devices (a lost or stolen one) and keeps the others
   * (sync/PROTOCOL.md "Removing one device"): a signed revocation of it, a new vault key for
   * everything the old one covers (as VaultRotation.rotate, with a new recovery key returned
   * once), handed to each other approved device sealed to its box key, and one new key epoch in
   * every notebook this device owns, without the removed device. The other devices take up the
   * new key at their next unlock with the passphrase (HandoverFollowing.follow). Stops sync (the
   * app starts it again; it then serves the handovers in the old vault room too).
   * E_DEVICE_UNKNOWN for this device, a device the vault doc does not list, or one already removed.
   */
  async removeDevice(deviceId: string, passphrase: string): Promise<VaultResult<VaultKeyRotation>> {
    this.#host.assertUnlocked();
    const { doc } = this.#host;
    if (deviceId === this.#host.deviceId || !devicesMap(doc).has(deviceId) || isDeviceRevoked(doc, deviceId)) {
      return { ok: false, error: { code: 'E_DEVICE_UNKNOWN', message: 'Not one of your other devices (or removed already): nothing was changed.' } };
    }
    return this.#host.rotate(passphrase, { kind: 'remove', deviceId });
  }

  /** Devices a handover this device made (removeDevice) still waits for: it offers them in the old vault room at every unlock. */
  pendingHandovers(): string[] {
    this.#host.assertUnlocked();
    return this.#retired.pending();
  }

  /**
   * For the rotation that removes `removed`: hands `key` to each of the person's approved devices
   * but `removed`, sealed under the old vault key `from` for the old vault room, with the
   * revocation, and stages the record that keeps them (RotationHost.prepareHandover).
   */
  async prepareHandover(from: VaultKey, key: VaultKey, removed: string): Promise<string[]> {
    const { doc, deviceId, vaultId, signing } = this.#host;
    const approvals = this.#host.approvals();
    const recipients = listOwnDevices(doc, deviceId, (id) => id !== removed && approvals.approved(id) && !isDeviceRevoked(doc, id))
      .filter((listed) => !listed.self)
      .map((listed) => ({ deviceId: listed.deviceId, keys: listedDeviceKeys(doc, listed.deviceId) }));
    const box = new Y.Doc();
    const place = { box, vaultId, meta: vaultSealedMeta(from, vaultId) };
    // The revocation, sealed under the old key too: the devices still there refuse a
    // handover the removed device might write (it holds the old key) once they read it.
    const plain = new Y.Doc();
    const old = sealVaultDoc({ vaultId, plain, box, key: from, signer: signing });
    writeDeviceRevocation(plain, vaultId, removed, signing);
    old.sealed.flush();
    old.destroy();
    plain.destroy();
    const keyId = vaultKeyId(key, vaultId);
    const handedTo: string[] = [];
    box.transact(() => {
      for (const { deviceId: recipient, keys } of recipients) {
        if (!keys) continue;
        writeHandover(place, keyId, key, keys, signing);
        handedTo.push(recipient);
      }
    });
    // Kept with the records this rotation re-sealed (staged: stored exactly when the new header is).
    this.#retired.add(from, box, handedTo);
    const record = this.#retired.record();
    if (record) await this.#host.storage.save(stagedKey(deviceRecordKey(PENDING_HANDOVERS_RECORD)), sealDeviceRecord(key, vaultId, PENDING_HANDOVERS_RECORD, record));
    return handedTo;
  }

  /**
   * A recipient of a pending handover has taken it up once the vault doc applies an envelope
   * it signed under the current key (its writer slot is keyed by that key; Vault.open writes
   * one at every unlock): its handover is no longer offered, and the record is stored again.
   * A recipient removed meanwhile needs it no more.
   */
  watchAcknowledgements(): void {
    const { doc } = this.#host;
    const check = (): void => {
      if (this.#host.busy() || this.#retired.pending().length === 0) return;
      const slot = vaultWriterSlot(this.#host.key(), this.#host.vaultId);
      const { entries, snapshots } = boxMaps(this.#host.box);
      const wroteUnderCurrentKey = (deviceId: string): boolean => {
        const prefix = `${slot(deviceId)}.`;
        return [['entries', entries], ['snapshots', snapshots]].some(([name, map]) =>
          [...(map as Y.Map<Uint8Array>).keys()].some((key) => key.startsWith(prefix) && !this.#host.quarantined(`${name as string}:${key}`)),
        );
      };
      if (!this.#retired.settle((id) => isDeviceRevoked(doc, id) || wroteUnderCurrentKey(id))) return;
      this.#savingRetired = this.#savingRetired.then(() => this.#storeRetired()).catch(() => undefined);
    };
    doc.on('update', check);
    check();
  }

  async #storeRetired(): Promise<void> {
    await this.#host.rotationDone();
    if (this.#host.closing()) return;
    const record = this.#retired.record();
    const { storage, vaultId } = this.#host;
    if (record) await saveDeviceRecord(storage, this.#host.key(), vaultId, PENDING_HANDOVERS_RECORD, record);
    else await removeDeviceRecord(storage, PENDING_HANDOVERS_RECORD);
  }
}
