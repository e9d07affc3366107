import * as Y from 'yjs';
import { deriveId, type VaultKey } from '../../crypto/index.ts';
import type { SealedDoc } from '../sealed/sealed-doc.ts';
import type { OwnDeviceApprovals } from '../share/own-devices.ts';
import type { SharedNotebook } from '../share/rotate-key.ts';
import { openSharedNotebook, startSharing, type DeviceIdentity } from '../share/shared-notebook.ts';
import type { BoxPersistence } from '../storage/box-persistence.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import {
  finalizeNotebookDeletion,
  listNotebookEntries,
  setNotebookColour,
  startNotebookDeletion,
  undoNotebookDeletion,
  type NotebookColour,
  type NotebookEntry,
} from './notebook-meta.ts';
import { removeSearchIndex } from './search-index-record.ts';
import { trimLog } from './trim-log.ts';
import { addNotebook, listNotebooks, notebookKeys, notebookRoom, renameNotebook, type NotebookInfo } from '../vault-doc/vault-doc.ts';
import type { MovableBox } from './vault-key-rotation.ts';
import type { VaultResult } from './vault-result.ts';

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

/** What the registry needs of the vault. */
export interface NotebookRegistryHost {
  readonly storage: StorageAdapter;
  readonly boxes: BoxPersistence;
  /** The plain vault doc, which lists the notebooks with their keys and rooms (vault-doc.ts). */
  readonly doc: Y.Doc;
  readonly identity: DeviceIdentity;
  /** The person's devices, members of every notebook this device opens (sync/share/own-devices.ts). */
  readonly ownDevices: OwnDeviceApprovals;
  /** The key box database names derive from: the vault key, except while a rotation moves them. */
  boxNameKey(): VaultKey;
  /** Seals what is pending in the vault doc. */
  seal(): void;
  /** Resolves once the vault doc's box is on disk. */
  vaultFlushed(): Promise<void>;
  assertUnlocked(): void;
}

/**
 * The notebooks the vault doc lists: create, rename, colour, delete (with an undo window) and
 * purge them, and open one with member trust. Each notebook's box is loaded once and shared
 * by the open notebook and replication.
 */
export class NotebookRegistry {
  readonly #host: NotebookRegistryHost;
  readonly #open = new Map<string, OpenNotebook>();
  readonly #opening = new Map<string, Promise<VaultResult<OpenNotebook>>>();
  readonly #boxes = new Map<string, Promise<MovableBox>>();

  constructor(host: NotebookRegistryHost) {
    this.#host = host;
  }

  /** Notebooks this vault can open (a notebook being joined has no key yet and is left out). */
  list(): NotebookInfo[] {
    return listNotebooks(this.#host.doc).filter((nb) => notebookKeys(this.#host.doc, nb.id) !== undefined);
  }

  create(name: string): string {
    const id = addNotebook(this.#host.doc, name, Date.now(), this.#host.identity.signing.publicKey);
    this.#host.seal();
    return id;
  }

  rename(id: string, name: string): void {
    renameNotebook(this.#host.doc, id, name);
    this.#host.seal();
  }

  /** Notebooks with colour and pending deletion (notebook-meta.ts); list() hides neither. */
  entries(): NotebookEntry[] {
    return listNotebookEntries(this.#host.doc).filter((nb) => notebookKeys(this.#host.doc, nb.id) !== undefined);
  }

  setColour(id: string, colour: NotebookColour): void {
    if (setNotebookColour(this.#host.doc, id, colour)) this.#host.seal();
  }

  /** Starts the undo window; purge ends it. */
  delete(id: string, now = Date.now()): void {
    if (startNotebookDeletion(this.#host.doc, id, now)) this.#host.seal();
  }

  undoDelete(id: string): void {
    if (undoNotebookDeletion(this.#host.doc, id)) this.#host.seal();
  }

  /** Makes a deletion final: closes the notebook, leaves a tombstone, then removes its box database. */
  async purge(id: string): Promise<void> {
    this.#host.assertUnlocked();
    await this.#open.get(id)?.close();
    // The tombstone first: vault sync stops replicating what the vault doc no longer lists.
    if (!finalizeNotebookDeletion(this.#host.doc, id)) return;
    this.#host.seal();
    await this.#host.vaultFlushed();
    const loaded = this.#boxes.get(id);
    this.#boxes.delete(id);
    if (loaded) {
      const { box, handle } = await loaded;
      await handle.close();
      box.destroy();
    }
    await this.#host.boxes.remove(notebookBoxName(this.#host.boxNameKey(), id));
    await removeSearchIndex(this.#host.storage, this.#host.boxNameKey(), id);
  }

  /**
   * Opens a notebook with member trust (sync/share): only envelopes signed by a current
   * member device are applied, keys can arrive while it is open, and this person's other
   * devices are added as members. A notebook made before sharing existed gets this device
   * as its founder.
   */
  async open(id: string): Promise<VaultResult<OpenNotebook>> {
    this.#host.assertUnlocked();
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

  /** The notebook if it is open now. */
  opened(id: string): OpenNotebook | undefined {
    return this.#open.get(id);
  }

  /** Every notebook open now. */
  openNotebooks(): OpenNotebook[] {
    return [...this.#open.values()];
  }

  /** Loads a notebook's box once; open notebooks and replication share it. */
  loadBox(id: string): Promise<MovableBox> {
    let loaded = this.#boxes.get(id);
    if (!loaded) {
      const box = new Y.Doc();
      const opening = this.#host.boxes.open(notebookBoxName(this.#host.boxNameKey(), id), box).then((handle) => ({ box, handle }));
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

  /** At lock: waits for notebooks being opened, closes every open one and unloads every box. */
  async closeAll(): Promise<void> {
    await Promise.allSettled(this.#opening.values());
    for (const notebook of [...this.#open.values()]) await notebook.close();
    for (const loading of this.#boxes.values()) {
      const loaded = await loading.catch(() => undefined);
      if (!loaded) continue;
      await loaded.handle.close();
      loaded.box.destroy();
    }
    this.#boxes.clear();
  }

  async #openNew(id: string): Promise<VaultResult<OpenNotebook>> {
    const { doc: vaultDoc, identity } = this.#host;
    const room = notebookRoom(vaultDoc, id);
    if (!room || !notebookKeys(vaultDoc, id)) return { ok: false, error: { code: 'E_NOTEBOOK_UNKNOWN', message: `No notebook ${id} in this vault.` } };
    startSharing(vaultDoc, id, identity);
    const loaded = await this.loadBox(id);
    const { box } = loaded;
    // The handle is read when used: a vault-key rotation moves the box to another database.
    const shared = openSharedNotebook(id, vaultDoc, box, identity, { ownDevices: this.#host.ownDevices, onCompact: () => trimLog(loaded.handle) });
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
    this.#host.seal();
    this.#open.set(id, notebook);
    return { ok: true, value: notebook };
  }
}

/** Box names on disk are keyed hashes, so IndexedDB never lists a notebook id or name. */
export function notebookBoxName(vaultKey: VaultKey, notebookId: string): string {
  return `obscura-box-${deriveId(vaultKey, 'notebook-box', notebookId).slice(0, 32)}`;
}
