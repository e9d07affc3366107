import { createEffect, createMemo, createResource, onCleanup, type Accessor } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { photoBlobAd, type PhotoBlobPurpose } from '../../sync/blob/photo-blob-ad.ts';
import { photoKeyOf, type PhotoRecord } from '../../sync/notebook/photos.ts';
import { wipe } from '../../crypto/index.ts';
import { blobSyncFor, onBlobSyncs } from './blob-sync-registry.ts';
import { rasterBlob } from '../../ml/image/raster-blob.ts';

export interface PhotoSource {
  readonly notebookId: string;
  readonly noteId: string;
  readonly photo: PhotoRecord;
}

/**
 * An object URL of a note's photo or thumbnail, decrypted from the blob store; a blob not
 * on this device yet is asked of the notebook's blob sync (thumbnails ahead of photos) and
 * shown when it arrives, also when a peer that has it comes online later. The
 * decrypted bytes live only in that in-memory Blob; the URL is revoked when the owner
 * goes away or the photo changes, so no plaintext outlives the component.
 */
export function photoUrl(blobs: BlobStore, source: Accessor<PhotoSource | undefined>, purpose: PhotoBlobPurpose): {
  url: Accessor<string | undefined>;
  error: Accessor<string | undefined>;
} {
  const urls: string[] = [];
  // Aborted when the card leaves the screen or shows another photo: a thumbnail nobody sees
  // leaves the blob sync's queue, so what is on screen is fetched first.
  let wanting: AbortController | undefined;
  // Every doc change makes new record objects; decrypt again only when the blob changes.
  const stable = createMemo(source, undefined, {
    equals: (a, b) => a?.noteId === b?.noteId && a?.photo.blobId === b?.photo.blobId && a?.photo.thumbBlobId === b?.photo.thumbBlobId,
  });
  const [resource, { refetch }] = createResource(stable, async (s) => {
    const blobId = purpose === 'photo' ? s.photo.blobId : s.photo.thumbBlobId;
    const key = photoKeyOf(s.photo);
    if (!key) throw new Error('This photo is damaged and cannot be shown.');
    const ad = photoBlobAd(s.notebookId, s.noteId, purpose);
    let bytes: Awaited<ReturnType<BlobStore['readAll']>>;
    // The decoded key is ours alone (photoKeyOf decodes a fresh copy): zero it once read, so
    // no photo key outlives the call, whatever the garbage collector does.
    try {
      bytes = await blobs.readAll(blobId, key, ad);
      const sync = blobSyncFor(s.notebookId);
      if (!bytes.ok && bytes.error.code === 'E_BLOB_MISSING' && sync) {
        wanting?.abort();
        wanting = new AbortController();
        const fetched = await sync.want(blobId, purpose, wanting.signal);
        if (fetched.ok) bytes = await blobs.readAll(blobId, key, ad);
      }
    } finally {
      wipe(key);
    }
    if (!bytes.ok) {
      throw new Error(bytes.error.code === 'E_BLOB_MISSING' ? 'This photo is not on this device yet.' : 'This photo is damaged and cannot be shown.');
    }
    // Typed by its bytes, never by the record (a peer writes it): ml/image/raster-blob.ts.
    const shown = rasterBlob(bytes.value as Uint8Array<ArrayBuffer>);
    if (!shown.ok) throw new Error(shown.message);
    const url = URL.createObjectURL(shown.blob);
    urls.splice(0).forEach((old) => URL.revokeObjectURL(old));
    urls.push(url);
    return url;
  });
  // Not here yet: try again when a peer comes online, the blob arrives, or sync starts.
  const retry = () => void (resource.error && !resource.loading && refetch());
  createEffect(() => {
    const s = stable();
    if (!s) return;
    const blobId = purpose === 'photo' ? s.photo.blobId : s.photo.thumbBlobId;
    const listen = () => blobSyncFor(s.notebookId)?.onChange((event) => {
      if (event.type === 'sources' || (event.type === 'stored' && event.id === blobId)) retry();
    });
    let offSync = listen();
    const offRegistry = onBlobSyncs(() => {
      offSync?.();
      offSync = listen();
      retry();
    });
    onCleanup(() => {
      offSync?.();
      offRegistry();
    });
  });
  onCleanup(() => {
    wanting?.abort();
    urls.splice(0).forEach((u) => URL.revokeObjectURL(u));
  });
  return {
    url: () => (resource.error ? undefined : resource()),
    error: () => (resource.error ? String((resource.error as Error).message ?? resource.error) : undefined),
  };
}
