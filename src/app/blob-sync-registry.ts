import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { createBlobSync, type BlobSync } from '../../sync/blob/blob-sync.ts';
import type { Replication } from '../../sync/replication/replicate-box.ts';

/**
 * Each notebook's blob sync, by notebook id, for the code that shows and imports photos
 * (photo-url.ts, import-photos.ts). Whoever runs replication fills it (followVaultSync);
 * readers find nothing while sync is off and then keep to what is on this device.
 */
const syncs = new Map<string, BlobSync>();
/** Offers made while a notebook had no blob sync (sync off, or not started yet). */
const waitingOffers = new Map<string, string[]>();
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((listener) => listener());

export function blobSyncFor(notebookId: string): BlobSync | undefined {
  return syncs.get(notebookId);
}

/**
 * A blob made on this device (an import): to the relay and the peers through the notebook's
 * blob sync, or as soon as it has one (offers are then kept in the store until uploaded).
 */
export function offerBlob(notebookId: string, blobId: string): void {
  const sync = syncs.get(notebookId);
  if (sync) return sync.offer(blobId);
  waitingOffers.set(notebookId, [...(waitingOffers.get(notebookId) ?? []), blobId]);
}

/** Told when a notebook's blob sync starts or stops. */
export function onBlobSyncs(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Registers `sync` for the notebook; the returned function destroys and unregisters it. */
export function registerBlobSync(notebookId: string, sync: BlobSync): () => void {
  syncs.get(notebookId)?.destroy();
  syncs.set(notebookId, sync);
  waitingOffers.get(notebookId)?.forEach((id) => sync.offer(id));
  waitingOffers.delete(notebookId);
  changed();
  return () => {
    sync.destroy();
    if (syncs.get(notebookId) !== sync) return;
    syncs.delete(notebookId);
    changed();
  };
}

/** What followVaultSync needs of a VaultSync (sync/vault/vault-sync.ts). */
export interface ReplicatingNotebooks {
  notebooks(): string[];
  notebook(id: string): Pick<Replication, 'roomId' | 'blobLane' | 'relayWriteToken' | 'status' | 'onStatus' | 'relayWriteSettled'> | undefined;
  onChange(listener: () => void): () => void;
}

/**
 * Keeps one blob sync per replicating notebook (its room, its peers' blob lane, the relay's
 * blob endpoint) for as long as the vault sync runs: call it where the vault sync starts,
 * and the returned function where it stops:
 *
 *   const stopBlobs = followVaultSync(vaultSync, browserBlobStore(), urls.blobsUrl);
 */
export function followVaultSync(sync: ReplicatingNotebooks, store: BlobStore, blobsUrl?: string): () => void {
  const running = new Map<string, { lane: unknown; stop: () => void }>();
  const reconcile = () => {
    const live = new Set(sync.notebooks());
    for (const [id, entry] of running) {
      // A notebook that stopped, or restarted with a new replication (new lane), starts over.
      if (live.has(id) && sync.notebook(id)?.blobLane === entry.lane) continue;
      entry.stop();
      running.delete(id);
    }
    for (const id of live) {
      const replication = sync.notebook(id);
      if (!replication || running.has(id)) continue;
      const blobs = createBlobSync({
        store,
        roomId: replication.roomId,
        lane: replication.blobLane,
        capToken: () => replication.relayWriteToken(),
        // At each (re)connect: blobs the relay lost are put back, wants that found nothing ask again.
        relayConnection: replication,
        ...(blobsUrl ? { blobsUrl } : {}),
      });
      running.set(id, { lane: replication.blobLane, stop: registerBlobSync(id, blobs) });
    }
  };
  const off = sync.onChange(reconcile);
  reconcile();
  return () => {
    off();
    running.forEach((entry) => entry.stop());
    running.clear();
  };
}
