import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { notesMap } from '../../sync/notebook/notes.ts';
import { readNotePhoto } from '../../sync/notebook/photos.ts';
import type { Vault } from '../../sync/vault/vault.ts';

/**
 * Makes a notebook's deletion final on this device: its photos and thumbnails leave the blob
 * store, its box database goes, and the vault doc keeps only a tombstone. The photo ids are
 * read before the notebook's keys are dropped; once they are, nothing could name them.
 */
export async function purgeNotebook(vault: Vault, blobs: BlobStore, id: string): Promise<void> {
  const opened = await vault.notebooks.open(id);
  const blobIds: string[] = [];
  if (opened.ok) {
    for (const noteId of notesMap(opened.value.doc).keys()) {
      const photo = readNotePhoto(opened.value.doc, noteId);
      if (photo) blobIds.push(photo.blobId, photo.thumbBlobId);
    }
  }
  await vault.notebooks.purge(id);
  for (const blobId of blobIds) await blobs.remove(blobId);
}
