import type * as Y from 'yjs';
import type { SigningKeyPair, VaultKey } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import type { OwnDeviceApprovals } from '../share/own-devices.ts';
import type { DeviceApprovals } from './device-approvals.ts';
import { deviceName, listOwnDevices, setOwnDeviceName, unsignedName, type OwnDeviceView } from './device-names.ts';
import { isDeviceRevoked } from '../vault-doc/device-revocations.ts';
import type { NotebookRegistry } from './notebook-registry.ts';
import { ownerGrantors, writeOwnerGrant } from './owner-grants.ts';
import { answerDeviceLink, type DeviceLinkAnswer } from './vault-device-link.ts';
import { registerDevice } from '../vault-doc/vault-doc.ts';
import type { VaultResult } from './vault-result.ts';

/**
 * What a device link grants the new device: `grantOwner`, to be an owner of the notebooks this
 * device owns (and of those another owner device adds it to); without it, a writer
 * (sync/vault/owner-grants.ts). Never implied.
 */
export interface DeviceLinkGrant {
  readonly grantOwner?: boolean;
}

/** What the person's devices need of the vault. */
export interface VaultDevicesHost {
  readonly vaultId: string;
  readonly deviceId: string;
  /** The plain vault doc, which lists the devices with their names (vault-doc.ts, device-names.ts). */
  readonly doc: Y.Doc;
  readonly signing: SigningKeyPair;
  readonly notebooks: Pick<NotebookRegistry, 'list' | 'open'>;
  key(): VaultKey;
  /** The approvals of whichever sealing of the vault doc is current (a vault-key rotation replaces it). */
  approvals(): DeviceApprovals;
  /** Seals what is pending in the vault doc. */
  seal(): void;
  /** Locked or locking. */
  closing(): boolean;
  /** Locked, locking or rotating: nothing is written then. */
  busy(): boolean;
  assertUnlocked(): void;
}

/** The person's own devices: their names, the list, and linking a new one (device-approvals.ts). */
export class VaultDevices {
  readonly #host: VaultDevicesHost;
  readonly #approvalListeners = new Set<() => void>();
  /** This device's name as it last signed it (keepOwnName). */
  #ownName: string | undefined;

  /** What open notebooks take for the person's devices (sync/share/own-devices.ts); follows the current sealing. */
  readonly approvals: OwnDeviceApprovals;

  constructor(host: VaultDevicesHost) {
    this.#host = host;
    this.approvals = {
      approved: (deviceId) => host.approvals().approved(deviceId),
      ownerGrantors: (deviceId) =>
        ownerGrantors(host.doc, host.vaultId, deviceId).filter((granter) => host.approvals().approved(granter) && !isDeviceRevoked(host.doc, granter)),
      onChange: (listener) => {
        this.#approvalListeners.add(listener);
        return () => this.#approvalListeners.delete(listener);
      },
    };
    this.forwardApprovals();
  }

  /** Names this device for the person's other devices (sealed in the vault doc, device-names.ts). */
  setName(name: string): void {
    this.#host.assertUnlocked();
    if (setOwnDeviceName(this.#host.doc, this.#host.signing, name)) {
      this.#ownName = deviceName(this.#host.doc, this.#host.deviceId);
      this.#host.seal();
    }
  }

  /** The person's devices (approved, not signed out), this one first, with names and last-seen times. */
  list(): OwnDeviceView[] {
    this.#host.assertUnlocked();
    const { doc } = this.#host;
    return listOwnDevices(doc, this.#host.deviceId, (id) => this.#host.approvals().approved(id) && !isDeviceRevoked(doc, id));
  }

  /**
   * Old device: answers a new device's request link (beginDeviceLink on that device) by
   * sealing the vault key to it, and approves the new device's signing key from the request
   * as the person's (device-approvals.ts). Call only once the person has compared the
   * request's fingerprint (parseDeviceLinkRequest, requestFingerprint) with the new device's
   * screen: it covers that key. Then show `checkCode`. `now` is this device's clock, against
   * which the request's expiry is checked.
   */
  answerLink(requestLink: string, origin: string, now = Date.now(), options: DeviceLinkGrant = {}): VaultResult<DeviceLinkAnswer> {
    this.#host.assertUnlocked();
    const { doc, vaultId, signing: self } = this.#host;
    const answer = answerDeviceLink(requestLink, origin, this.#host.key(), vaultId, self.publicKey, now);
    if (!answer.ok) return answer;
    const { newDevicePublicKey: signing, newDeviceBoxPublicKey: box } = answer.value;
    this.#host.approvals().approve(signing);
    // Before the device is listed, in the same flush: the notebooks that add it read its role from this.
    if (options.grantOwner === true) writeOwnerGrant(doc, vaultId, signing, self);
    // Listed now, by this approving device: open notebooks add it at once (addOwnDevices on the
    // vault doc's update), the others below, so the new device is a member of each when it
    // arrives even if this one is offline by then.
    registerDevice(doc, deviceIdFor(signing), signing, box);
    this.#host.seal();
    void this.#addOwnDevicesEverywhere().catch(() => undefined);
    return answer;
  }

  /**
   * This device's signed name, put back when another writer of the vault doc overwrote or
   * deleted it (it cannot forge one, device-names.ts; until put back, the device shows unnamed).
   * A name written before names were signed is signed now. The vault starts it once.
   */
  keepOwnName(): void {
    const { doc, deviceId } = this.#host;
    const check = (): void => {
      if (this.#host.busy()) return;
      const signed = deviceName(doc, deviceId);
      if (signed !== undefined) {
        this.#ownName = signed;
        return;
      }
      const name = this.#ownName ?? unsignedName(doc, deviceId);
      if (name !== undefined && setOwnDeviceName(doc, this.#host.signing, name)) this.#ownName = name;
    };
    doc.on('update', check);
    check();
  }

  /** Passes on the current sealing's approval changes to `approvals` listeners; the vault calls it again for each new sealing. */
  forwardApprovals(): void {
    this.#host.approvals().onChange(() => {
      for (const listener of this.#approvalListeners) listener();
    });
  }

  /**
   * Opens every notebook (opening adds the person's approved devices, addOwnDevices) and
   * flushes. Note: they stay open until lock; closing one here could close it under the screen
   * that opened it meanwhile (the two share one OpenNotebook). Their boxes are in memory anyway.
   */
  async #addOwnDevicesEverywhere(): Promise<void> {
    for (const { id } of this.#host.notebooks.list()) {
      if (this.#host.closing()) return;
      const opened = await this.#host.notebooks.open(id);
      if (opened.ok) await opened.value.flush();
    }
  }
}
