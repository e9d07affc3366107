import { createSignal, type Accessor } from 'solid-js';
import { randomPhotoKey, toBase64Url } from '../../crypto/index.ts';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { photoBlobAd } from '../../sync/blob/photo-blob-ad.ts';
import { createNote } from '../../sync/notebook/notes.ts';
import { setNotePhoto, setTaggingStatus } from '../../sync/notebook/photos.ts';
import type { OpenNotebook } from '../../sync/vault/notebook-registry.ts';
import type { PhotoLocks } from '../../sync/tabs/photo-locks.ts';
import { offerBlob } from './blob-sync-registry.ts';
import { errorCode, messageFor } from './messages.ts';
import { ImportError, makeThumbnail } from './make-thumbnail.ts';
import type { TaggingService } from './tagging-service.ts';

const importing = new Set<string>();
/** One photo still to store: its note exists (status "importing"), this tab holds its photo lock. */
interface PhotoToStore {
  readonly noteId: string;
  readonly file: File;
}
/**
 * Photos a lock stopped before they were stored, by notebook: kept in this page (the files the
 * person chose, never read while locked) so the next unlock stores them (resumeImports) instead
 * of the next open calling them interrupted.
 */
const stopped = new Map<string, PhotoToStore[]>();
const [running, setRunning] = createSignal(0);

/** True while this page is still storing the note's photo, or holds it for after the unlock. */
export function isImporting(noteId: string): boolean {
  return importing.has(noteId);
}

/** How many imports are storing photos now: work in progress, which holds the idle lock. */
export const importsRunning: Accessor<number> = running;

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
 * `signal` aborts when the vault locks: the photos not stored by then wait for resumeImports.
 */
export async function importPhotos(
  notebook: OpenNotebook,
  files: readonly File[],
  blobs: BlobStore,
  tagging: Pick<TaggingService, 'enqueue'>,
  locks: PhotoLocks,
  signal?: AbortSignal,
): Promise<string[]> {
  // One transaction for every new note: the grid re-renders once. Two per note (note, status)
  // re-rendered it 400 times for 200 photos, one 1.7 s main-thread task (issue 16 §2).
  const photos: PhotoToStore[] = [];
  notebook.doc.transact(() => {
    for (const file of files) {
      const noteId = createNote(notebook.doc, { title: titleFrom(file.name) });
      setTaggingStatus(notebook.doc, noteId, { state: 'importing' });
      importing.add(noteId);
      photos.push({ noteId, file });
    }
  });
  // The notes are new here, so no other tab holds their locks; granted within the doc's 250 ms
  // before it seals them (other tabs only ever see sealed notes).
  await Promise.all(photos.map((p) => locks.claim(notebook.id, p.noteId)));
  await storeAll(notebook, photos, blobs, tagging, locks, signal);
  return photos.map((p) => p.noteId);
}

/**
 * After an unlock: stores the photos a lock stopped, in their notebooks (opened by `open`), and
 * queues them for tagging. Their notes never left "importing", so the notebook's first open
 * neither fails nor queues them; a notebook gone since is let go with its photos' locks.
 */
export async function resumeImports(
  open: (notebookId: string) => Promise<OpenNotebook | undefined>,
  blobs: BlobStore,
  tagging: Pick<TaggingService, 'enqueue'>,
  locks: PhotoLocks,
  signal?: AbortSignal,
): Promise<void> {
  const waiting = [...stopped];
  stopped.clear();
  for (const [notebookId, photos] of waiting) {
    const notebook = await open(notebookId).catch(() => undefined);
    if (!notebook) {
      for (const p of photos) {
        importing.delete(p.noteId);
        locks.release(notebookId, p.noteId);
      }
      continue;
    }
    await storeAll(notebook, photos, blobs, tagging, locks, signal);
  }
}

async function storeAll(
  notebook: OpenNotebook,
  photos: readonly PhotoToStore[],
  blobs: BlobStore,
  tagging: Pick<TaggingService, 'enqueue'>,
  locks: PhotoLocks,
  signal: AbortSignal | undefined,
): Promise<void> {
  /** The lock came: this photo and the rest wait for the next unlock. */
  const stop = (from: number): void => void stopped.set(notebook.id, [...(stopped.get(notebook.id) ?? []), ...photos.slice(from)]);
  setRunning((n) => n + 1);
  try {
    for (const [i, { noteId, file }] of photos.entries()) {
      if (signal?.aborted) return stop(i);
      try {
        await storePhoto(notebook, noteId, file, blobs);
        // Locked while it was stored: whether its record was written before the keys went is
        // unknown, so it is stored again (under a new key) after the unlock.
        if (signal?.aborted) return stop(i);
        // Written now, not after the doc's 250 ms coalescing: the thumbnail is already on
        // screen, and a tab killed in that window would lose a photo whose blobs are stored.
        await notebook.flush();
        importing.delete(noteId);
        // Locked while it was written: it is stored, "queued", and the next open queues it.
        if (signal?.aborted) return stop(i + 1);
        // The lock goes with the job: the tagging queue lets it go when the photo is tagged.
        tagging.enqueue(notebook, [noteId]);
      } catch (e) {
        if (signal?.aborted) return stop(i);
        const code = e instanceof ImportError ? e.code : errorCode(e);
        const message =
          e instanceof ImportError ? e.message : code === 'E_STORAGE_FULL' ? messageFor(code) : `Could not store this photo: ${e instanceof Error ? e.message : String(e)}`;
        setTaggingStatus(notebook.doc, noteId, { state: 'failed', code, message });
        locks.release(notebook.id, noteId);
        importing.delete(noteId);
      }
    }
    await notebook.flush().catch(() => undefined);
  } finally {
    setRunning((n) => n - 1);
  }
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
