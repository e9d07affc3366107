import type * as Y from 'yjs';
import { asVaultKey, bytesEqual, wipe, type VaultKey } from '../../crypto/index.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import type { DeviceApprovals } from './device-approvals.ts';
import { deviceName } from './device-names.ts';
import { removeDeviceRecord, saveDeviceRecord } from './device-record.ts';
import { revocationSigners, revokedBy, revokedByIt } from '../vault-doc/device-revocations.ts';
import { decideHandover, encodeKeptDevices, keepDevice, KEPT_DEVICES_RECORD, NO_CHOICE, type HandoverChoice, type HandoverDecision, type KeptDevices } from './handover-choice.ts';
import { vaultKeyId, vaultSealedMeta } from './vault-doc-sealing.ts';
import { devicesMap, listedSigningKey } from '../vault-doc/vault-doc.ts';
import { offeredHandovers, vaultKeysMap, type OfferedHandover } from './vault-key-handover.ts';
import type { RotationPlan, RotationSecret, VaultKeyRotation } from './vault-key-rotation.ts';
import type { DeviceKeys } from './vault-records.ts';
import type { VaultResult } from './vault-result.ts';

/** What following a handover needs of the vault. */
export interface HandoverFollowingHost {
  readonly storage: StorageAdapter;
  readonly vaultId: string;
  readonly deviceId: string;
  /** The plain vault doc and its ciphertext, where handovers arrive (vault-key-handover.ts). */
  readonly doc: Y.Doc;
  readonly box: Y.Doc;
  readonly device: Pick<DeviceKeys, 'signing' | 'box'>;
  key(): VaultKey;
  /** The approvals of whichever sealing of the vault doc is current. */
  approvals(): DeviceApprovals;
  /** Runs a vault-key rotation (vault-key-rotation.ts), one at a time. */
  rotate(secret: RotationSecret, plan: RotationPlan): Promise<VaultResult<VaultKeyRotation>>;
  /** Locked, locking or rotating. */
  busy(): boolean;
  /** Starts locking: seals what is pending in the vault doc and every open notebook, then seals nothing more. */
  stopWriting(): void;
  lockNow(): Promise<void>;
  assertUnlocked(): void;
}

/**
 * On the person's other devices, the new vault key a device handed over when it removed one:
 * followed only once the person said which device to keep (handover-choice.ts), since the
 * handover may be the thief's.
 */
export class HandoverFollowing {
  readonly #host: HandoverFollowingHost;
  readonly #listeners = new Set<() => void>();
  /** The person's answer to "which device do you keep" on this device (handover-choice.ts). */
  #kept: KeptDevices;

  constructor(host: HandoverFollowingHost, kept: KeptDevices) {
    this.#host = host;
    this.#kept = kept;
  }

  /**
   * Whether another of the person's devices removed one and handed this device a new vault
   * key: either the kept device's (follow takes it up) or one the person is asked about first
   * (choice).
   */
  waiting(): boolean {
    this.#host.assertUnlocked();
    return this.decisionKind() !== 'none';
  }

  /** The question for the person when a handover waits that they did not choose yet: who removed whom. */
  choice(): HandoverChoice | undefined {
    this.#host.assertUnlocked();
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
    this.#host.assertUnlocked();
    const { doc, storage, vaultId } = this.#host;
    if (deviceId === this.#host.deviceId || !devicesMap(doc).has(deviceId)) {
      return { ok: false, error: { code: 'E_DEVICE_UNKNOWN', message: 'Not one of your other devices: nothing was chosen.' } };
    }
    this.#kept = keepDevice(this.#kept, deviceId, this.#offered());
    // The person says the kept device is theirs, as a device link would: it stays approved
    // here when the only chain to it ran through a device now refused (a tablet the phone linked).
    const signing = listedSigningKey(doc, deviceId);
    if (signing) this.#host.approvals().approve(signing);
    this.#host.approvals().refuse(this.#kept.refused);
    const key = this.#host.key();
    await saveDeviceRecord(storage, key, vaultId, KEPT_DEVICES_RECORD, encodeKeptDevices(this.#kept, vaultKeyId(key, vaultId)));
    return { ok: true, value: undefined };
  }

  /**
   * Called when a handover for this device arrives; the vault then locks itself (the next
   * unlock asks which device to keep, or takes up the kept one's), having sealed what was
   * written before it and nothing after: what this device would seal under the old keys, the
   * removed device could read. Returns the unsubscribe.
   */
  onArrival(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Takes up the vault key the kept device handed this one when it removed a device:
   * everything the vault key covers here moves under it (the header re-wrapped with
   * `passphrase`, the vault doc, device seeds and records, box names), nothing is signed out or
   * rotated, and the vault's recovery key (made by the removing device) is adopted once the
   * vault doc brings it. Returns false when no handover of a kept device waits. unlockVault
   * calls it when unlocked with the passphrase.
   */
  async follow(secret: RotationSecret): Promise<VaultResult<boolean>> {
    this.#host.assertUnlocked();
    const decision = this.#decision();
    if (decision.kind !== 'follow') return { ok: true, value: false };
    const { handover } = decision;
    const followed = await this.#host.rotate(secret, { kind: 'follow', key: handover.key, from: handover.signerPublicKey });
    wipe(handover.key);
    if (!followed.ok) return followed;
    // The answer was about this handover: the kept device's next one is asked about again
    // (a record left by a crash here names the old key, and reads as no answer).
    this.#kept = NO_CHOICE;
    await removeDeviceRecord(this.#host.storage, KEPT_DEVICES_RECORD);
    return { ok: true, value: true };
  }

  /** What to do with the handovers here, without a key: `none` lets the vault write under its key. */
  decisionKind(): HandoverDecision['kind'] {
    const decision = this.#decision();
    if (decision.kind === 'follow') wipe(decision.handover.key);
    return decision.kind;
  }

  /** Locks the vault as soon as a handover for this device arrives (onArrival). */
  watch(): void {
    vaultKeysMap(this.#host.box).observe(() => {
      if (this.#host.busy()) return;
      if (this.decisionKind() === 'none') return;
      // Before anything else runs: no notebook or vault doc write is sealed under the old keys
      // from here on (what was written before is sealed now, as a lock would).
      this.#host.stopWriting();
      for (const listener of [...this.#listeners]) {
        try {
          listener();
        } catch {
          // The app's to report; the vault locks either way.
        }
      }
      void this.#host.lockNow();
    });
  }

  /** The handovers for this device from devices the vault doc lists with that signing key (handover-choice.ts decides). */
  #offered(): OfferedHandover[] {
    const { doc, vaultId, device } = this.#host;
    const key = this.#host.key();
    const place = { box: this.#host.box, vaultId, meta: vaultSealedMeta(key, vaultId) };
    // A device linked through the removed one reaches the remover through it no longer; the
    // remover's revocation of it, applied while the chain held, vouches for the remover. A
    // revoked device was one of the person's: the person is asked about it, never it followed.
    const signers = revocationSigners(doc, vaultId);
    const listed = (id: string, signing: Uint8Array): boolean => {
      const listedKey = listedSigningKey(doc, id);
      return listedKey !== undefined && bytesEqual(listedKey, signing) && (this.#host.approvals().approved(id) || signers.has(id) || revokedBy(doc, vaultId, id) !== undefined);
    };
    return offeredHandovers(place, { signing: device.signing.publicKey, box: device.box }, listed, key);
  }

  /** What to do with the handovers here. A key to follow is a copy the caller wipes; every other key opened is wiped here. */
  #decision(): HandoverDecision {
    const { doc, vaultId } = this.#host;
    const offered = this.#offered();
    const decision = decideHandover(offered, {
      revokedBy: (id) => revokedBy(doc, vaultId, id),
      revokedByIt: (id) => revokedByIt(doc, vaultId, id),
      name: (id) => deviceName(doc, id),
      nameShared: (id) => {
        const name = deviceName(doc, id);
        return name !== undefined && [...devicesMap(doc).keys()].some((other) => other !== id && deviceName(doc, other) === name);
      },
      choice: this.#kept,
    });
    const result: HandoverDecision = decision.kind === 'follow' ? { kind: 'follow', handover: { ...decision.handover, key: asVaultKey(decision.handover.key.slice()) } } : decision;
    for (const handover of offered) wipe(handover.key);
    return result;
  }
}
