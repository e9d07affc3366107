import { concatBytes, lengthPrefixed, utf8 } from '../../crypto/index.ts';

export type PhotoBlobPurpose = 'photo' | 'thumb';

/**
 * Associated data for a note's photo or thumbnail blob: binds the ciphertext to its
 * notebook, its note and its role, so a blob cannot be swapped into another note (or a
 * thumbnail passed off as the photo) and still decrypt. Length-prefixed so no two
 * different triples encode alike.
 */
export function photoBlobAd(notebookId: string, noteId: string, purpose: PhotoBlobPurpose): Uint8Array {
  return concatBytes(
    lengthPrefixed(utf8('obscura/photo-blob/v1')),
    lengthPrefixed(utf8(notebookId)),
    lengthPrefixed(utf8(noteId)),
    lengthPrefixed(utf8(purpose)),
  );
}
