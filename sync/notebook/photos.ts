import * as Y from 'yjs';
import { asPhotoKey, fromBase64Url, type PhotoKey } from '../../crypto/index.ts';
import { notesMap } from './notes.ts';

/**
 * A note's photo. `photoKey` (base64url) decrypts both blobs; it lives only here, inside
 * the encrypted notebook doc, so whoever can read the note can read its photo and nobody
 * else. Blob ids are hashes of ciphertext and say nothing about the image.
 */
export interface PhotoRecord {
  readonly blobId: string;
  readonly thumbBlobId: string;
  readonly photoKey: string;
  readonly width: number;
  readonly height: number;
  readonly mime: string;
  readonly addedAt: number;
}

/** Where a note's tagging stands; `failed` carries a stable code and a message to show. */
export type TaggingStatus =
  | { readonly state: 'importing' }
  | { readonly state: 'queued' }
  | { readonly state: 'done' }
  | { readonly state: 'failed'; readonly code: string; readonly message: string };

/**
 * The types of the formats ml/image/sniff.ts reads (IMAGE_MIMES there; a test keeps the two
 * equal). Note: a peer writes these records, and the type was once handed to the browser
 * with the blob, so an `image/svg+xml` record made a peer's SVG render in our origin. The
 * photo view now takes the type from the blob's own bytes (ml/image/raster-blob.ts); this
 * check keeps records honest too.
 */
export const PHOTO_MIMES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
const BLOB_ID = /^[0-9a-f]{64}$/;
const B64URL_KEY = /^[A-Za-z0-9_-]{43}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const isDimension = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= 1_000_000;

/** Peers write this doc too: a record is used only if every field has the right shape. */
export function isPhotoRecord(value: unknown): value is PhotoRecord {
  if (!isRecord(value)) return false;
  return (
    typeof value.blobId === 'string' && BLOB_ID.test(value.blobId) &&
    typeof value.thumbBlobId === 'string' && BLOB_ID.test(value.thumbBlobId) &&
    typeof value.photoKey === 'string' && B64URL_KEY.test(value.photoKey) &&
    isDimension(value.width) && isDimension(value.height) &&
    typeof value.mime === 'string' && PHOTO_MIMES.has(value.mime) &&
    typeof value.addedAt === 'number' && Number.isFinite(value.addedAt) && Math.abs(value.addedAt) <= 8.64e15 // a time a Date holds
  );
}

export function isTaggingStatus(value: unknown): value is TaggingStatus {
  if (!isRecord(value)) return false;
  if (value.state === 'importing' || value.state === 'queued' || value.state === 'done') return true;
  return value.state === 'failed' && typeof value.code === 'string' && typeof value.message === 'string';
}

function noteMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const note = notesMap(doc).get(id);
  return note instanceof Y.Map ? note : undefined;
}

export function setNotePhoto(doc: Y.Doc, id: string, photo: PhotoRecord): void {
  const note = noteMap(doc, id);
  if (!note) return;
  doc.transact(() => note.set('photo', { ...photo }));
}

export function readNotePhoto(doc: Y.Doc, id: string): PhotoRecord | undefined {
  const value = noteMap(doc, id)?.get('photo');
  return isPhotoRecord(value) ? value : undefined;
}

export function setTaggingStatus(doc: Y.Doc, id: string, status: TaggingStatus): void {
  const note = noteMap(doc, id);
  if (!note) return;
  doc.transact(() => note.set('tagging', { ...status }));
}

/** Undefined for a note that never had a photo (or whose status is damaged). */
export function readTaggingStatus(doc: Y.Doc, id: string): TaggingStatus | undefined {
  const value = noteMap(doc, id)?.get('tagging');
  return isTaggingStatus(value) ? value : undefined;
}

/**
 * Notes with a photo that still need tagging (e.g. the tab closed mid-queue, or a new pipeline).
 * A stored photo marked E_IMPORT_INTERRUPTED is one of them: another tab that took a running
 * import for an interrupted one may have marked it while this one stored it, and if that
 * mark won the merge, the photo would never be tagged (issue 18 §5).
 */
export function notesToTag(doc: Y.Doc, currentPipelineVersion: string): string[] {
  const ids: string[] = [];
  for (const [id, note] of notesMap(doc).entries()) {
    if (!(note instanceof Y.Map) || !isPhotoRecord(note.get('photo'))) continue;
    const status = readTaggingStatus(doc, id);
    if (status?.state === 'failed' && status.code !== 'E_IMPORT_INTERRUPTED') continue;
    if (status?.state === 'failed') {
      ids.push(id);
      continue;
    }
    if (status?.state !== 'done' || note.get('pipelineVersion') !== currentPipelineVersion) ids.push(id);
  }
  return ids;
}

/**
 * Notes left "importing" by a closed tab never got their photo stored: say so on the note
 * instead of showing "Tagging…" forever. `stillImporting` spares imports running now (in
 * this tab or, by their photo locks, in another). One whose photo is stored after all only
 * missed its tagging: it goes back in the queue instead.
 */
export function failInterruptedImports(doc: Y.Doc, stillImporting: (id: string) => boolean): string[] {
  const failed: string[] = [];
  for (const id of notesMap(doc).keys()) {
    if (readTaggingStatus(doc, id)?.state !== 'importing' || stillImporting(id)) continue;
    if (readNotePhoto(doc, id)) {
      setTaggingStatus(doc, id, { state: 'queued' });
      continue;
    }
    setTaggingStatus(doc, id, { state: 'failed', code: 'E_IMPORT_INTERRUPTED', message: 'The import was interrupted before the photo was saved. Import it again.' });
    failed.push(id);
  }
  return failed;
}

/** The photo's key as bytes; undefined if the stored text is not a 32-byte base64url key. */
export function photoKeyOf(photo: PhotoRecord): PhotoKey | undefined {
  const bytes = fromBase64Url(photo.photoKey);
  return bytes.ok && bytes.value.length === 32 ? asPhotoKey(bytes.value) : undefined;
}
