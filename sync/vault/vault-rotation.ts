import type * as Y from 'yjs';
import { isCurrentOwner } from '../share/members.ts';
import { isDeviceRevoked } from '../vault-doc/device-revocations.ts';
import type { NotebookRegistry } from './notebook-registry.ts';
import { devicesMap } from '../vault-doc/vault-doc.ts';
import { rotateVaultKey, type RotationHost, type RotationPlan, type RotationSecret, type VaultKeyRotation } from './vault-key-rotation.ts';
import type { VaultResult } from './vault-result.ts';

/** What the Rotate screen says before the person confirms (VaultRotation.preview). */
export interface VaultKeyRotationPreview {
  /** The person's other devices that would be signed out. */
  readonly otherDevices: number;
  /** Notebooks owned by others: they keep their key (ask their owners to remove the old devices). */
  readonly notebooksKeepingKey: number;
}

/** What rotations need of the vault. */
export interface VaultRotationHost {
  readonly deviceId: string;
  /** The plain vault doc, which lists the devices. */
  readonly doc: Y.Doc;
  readonly notebooks: Pick<NotebookRegistry, 'list' | 'open' | 'opened'>;
  /** What vault-key-rotation.ts changes of the vault, as it is now. */
  rotationHost(): RotationHost;
  /** Runs `work` under the profile's header lock (vault-services.ts underHeaderLock). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Locked or locking. */
  closing(): boolean;
  assertUnlocked(): void;
}

/** Vault-key rotations, one at a time: rotate, remove a device, follow a handover (vault-key-rotation.ts). */
export class VaultRotation {
  readonly #host: VaultRotationHost;
  /** A running vault-key rotation: lock and device records wait for it. */
  #running: Promise<unknown> | undefined;

  constructor(host: VaultRotationHost) {
    this.#host = host;
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
  async rotate(passphrase: string): Promise<VaultResult<VaultKeyRotation>> {
    return this.run(passphrase, { kind: 'all' });
  }

  /** What a rotation would do now: how many other devices it signs out, how many notebooks keep their key. */
  async preview(): Promise<VaultKeyRotationPreview> {
    this.#host.assertUnlocked();
    const { doc, deviceId, notebooks } = this.#host;
    const otherDevices = [...devicesMap(doc).keys()].filter((id) => id !== deviceId && !isDeviceRevoked(doc, id)).length;
    let notebooksKeepingKey = 0;
    for (const { id } of notebooks.list()) {
      const wasOpen = notebooks.opened(id) !== undefined;
      const opened = await notebooks.open(id);
      if (!opened.ok || !isCurrentOwner(opened.value.shared.plain, deviceId)) notebooksKeepingKey++;
      if (opened.ok && !wasOpen) await opened.value.close();
    }
    return { otherDevices, notebooksKeepingKey };
  }

  /** Runs the rotation `plan` after any running one; a lock asked for meanwhile waits for it. */
  async run(secret: RotationSecret, plan: RotationPlan): Promise<VaultResult<VaultKeyRotation>> {
    this.#host.assertUnlocked();
    if (this.#host.closing()) throw new Error('vault is locking');
    const previous = this.#running;
    const run = (async () => {
      await previous?.catch(() => undefined);
      // The previous one may have failed, which locks.
      this.#host.assertUnlocked();
      return this.#host.exclusive(() => rotateVaultKey(this.#host.rotationHost(), secret, plan));
    })();
    this.#running = run;
    try {
      return await run;
    } finally {
      if (this.#running === run) this.#running = undefined;
    }
  }

  /** Whether a rotation runs now. */
  running(): boolean {
    return this.#running !== undefined;
  }

  /** Resolves once no rotation runs (whether it failed or not). */
  async done(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }
}
