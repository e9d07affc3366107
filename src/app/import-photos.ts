import { randomPhotoKey, toBase64Url } from '../../crypto/index.ts';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { photoBlobAd } from '../../sync/blob/photo-blob-ad.ts';
import { createNote } from '../../sync/notebook/notes.ts';
import { setNotePhoto, setTaggingStatus } from '../../sync/notebook/photos.ts';
import type { OpenNotebook } from '../../sync/vault/vault.ts';
import type { PhotoLocks } from '../../sync/tabs/photo-locks.ts';
import { offerBlob } from './blob-sync-registry.ts';
import { errorCode, messageFor } from './messages.ts';
import { ImportError, makeThumbnail } from './make-thumbnail.ts';
import type { TaggingService } from './tagging-service.ts';

const importing = new Set<string>();

/** True while this page is still storing the note's photo. */
export function isImporting(noteId: string): boolean {
  return importing.has(noteId);
}

/** The file's name without its extension, as the note's first title. */
function titleFrom(name: string): string {
  return name.replace(/\.[A-Za-z0-9]{1,5}$/, '').slice(0, 200);
}

/**
 * Turns each file into a note that tags itself. The note appears at once (status
 * "importing"); then the thumbnail is made, photo and thumbnail are encrypted into the
 * blob store under a fresh per-photo key (the original streams from the File, never
 * copied whole), the photo record goes into the plain doc, and tagging is queued.
 * A file that fails says so on its own note; the others carry on. Each note's photo lock
 * (sync/tabs/photo-locks.ts) is this tab's from before the note is sealed until its import
 * fails or tagging is done with it, so other tabs see the import as running, not interrupted.
 */
export async function importPhotos(
  notebook: OpenNotebook,
  files: readonly File[],
  blobs: BlobStore,
  tagging: Pick<TaggingService, 'enqueue'>,
  locks: PhotoLocks,
): Promise<string[]> {
  const ids = files.map((file) => {
    const id = createNote(notebook.doc, { title: titleFrom(file.name) });
    setTaggingStatus(notebook.doc, id, { state: 'importing' });
    importing.add(id);
    return id;
  });
  // The notes are new here, so no other tab holds their locks; granted within the doc's 250 ms
  // before it seals them (other tabs only ever see sealed notes).
  await Promise.all(ids.map((id) => locks.claim(notebook.id, id)));
  for (const [i, file] of files.entries()) {
    const id = ids[i] as string;
    try {
      await storePhoto(notebook, id, file, blobs);
      // Written now, not after the doc's 250 ms coalescing: the thumbnail is already on
      // screen, and a tab killed in that window would lose a photo whose blobs are stored.
      await notebook.flush();
      // The lock goes with the job: the tagging queue lets it go when the photo is tagged.
      tagging.enqueue(notebook, [id]);
    } catch (e) {
      const code = e instanceof ImportError ? e.code : errorCode(e);
      const message =
        e instanceof ImportError ? e.message : code === 'E_STORAGE_FULL' ? messageFor(code) : `Could not store this photo: ${e instanceof Error ? e.message : String(e)}`;
      setTaggingStatus(notebook.doc, id, { state: 'failed', code, message });
      locks.release(notebook.id, id);
    } finally {
      importing.delete(id);
    }
  }
  await notebook.flush().catch(() => undefined);
  return ids;
}

async function storePhoto(notebook: OpenNotebook, noteId: string, file: File, blobs: BlobStore): Promise<void> {
  const thumb = await makeThumbnail(file);
  const key = randomPhotoKey();
  const photo = await blobs.put(key, photoBlobAd(notebook.id, noteId, 'photo'), file);
  const thumbBlob = await blobs.put(key, photoBlobAd(notebook.id, noteId, 'thumb'), thumb.jpeg);
  // One update: a tab killed between the two would leave a stored photo marked "importing",
  // which the next start reports as an interrupted import although nothing is missing.
  notebook.doc.transact(() => {
    setNotePhoto(notebook.doc, noteId, {
      blobId: photo.id,
      thumbBlobId: thumbBlob.id,
      photoKey: toBase64Url(key),
      width: thumb.width,
      height: thumb.height,
      mime: thumb.mime,
      addedAt: Date.now(),
    });
    setTaggingStatus(notebook.doc, noteId, { state: 'queued' });
  });
  // To the relay in the background, thumbnail first, so the person's other devices get them.
  offerBlob(notebook.id, thumbBlob.id);
  offerBlob(notebook.id, photo.id);
}
