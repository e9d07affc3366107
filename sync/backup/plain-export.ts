import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { BlobStore } from '../blob/blob-store.ts';
import { photoBlobAd } from '../blob/photo-blob-ad.ts';
import { photoKeyOf } from '../notebook/photos.ts';
import type { Vault } from '../vault/vault.ts';
import { exportNotes, noteMarkdown, safeName, uniqueName } from './plain-export-notes.ts';

export interface PlainExportSummary {
  readonly notebooks: number;
  readonly notes: number;
  readonly photos: number;
  /** Photos not on this device (not synced yet) or that failed to decrypt: not in the zip. */
  readonly photosMissing: number;
}

/**
 * The unencrypted export: a zip with a folder per notebook holding each note as Markdown,
 * a notes.json with the same data, and the decrypted photos. Written part by part into
 * `sink`; a photo is decrypted chunk by chunk straight into the zip (stored, not deflated:
 * photos do not compress), so it is never whole in memory.
 */
export async function writePlainExport(
  vault: Vault,
  blobs: BlobStore,
  sink: (part: Uint8Array) => void,
  onProgress?: (done: number, total: number) => void,
): Promise<PlainExportSummary> {
  let failure: Error | undefined;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else sink(chunk);
  });
  const text = (path: string, content: string) => {
    const file = new ZipDeflate(path, { level: 6 });
    zip.add(file);
    file.push(strToU8(content), true);
  };
  const notebooks = vault.notebooks.list();
  const folders = new Set<string>();
  let notes = 0;
  let photos = 0;
  let photosMissing = 0;
  for (const [i, info] of notebooks.entries()) {
    const opened = await vault.notebooks.open(info.id);
    if (!opened.ok) continue;
    const folder = uniqueName(safeName(info.name, 'Notebook'), folders);
    const entries = exportNotes(opened.value.doc);
    const missing = new Set<string>();
    for (const { note, photo } of entries) {
      notes++;
      if (!photo || !note.photo) continue;
      const key = photoKeyOf(photo);
      if (!key || !(await blobs.has(photo.blobId))) {
        photosMissing++;
        missing.add(note.id);
        continue;
      }
      const file = new ZipPassThrough(`${folder}/${note.photo}`);
      zip.add(file);
      const read = await blobs.read(photo.blobId, key, photoBlobAd(info.id, note.id, 'photo'), (chunk) => file.push(chunk));
      file.push(new Uint8Array(0), true);
      if (read.ok) photos++;
      else {
        // Damaged on this device: the entry holds what decrypted; the note says so.
        photosMissing++;
        missing.add(note.id);
      }
    }
    for (const { note } of entries) text(`${folder}/${note.file}.md`, noteMarkdown(note, missing.has(note.id)));
    text(`${folder}/notes.json`, JSON.stringify({ notebook: info.name, exported: new Date().toISOString(), notes: entries.map(({ note }) => ({ ...note, photoMissing: missing.has(note.id) })) }, null, 2));
    onProgress?.(i + 1, notebooks.length);
    if (failure) throw failure;
  }
  zip.end();
  if (failure) throw failure;
  return { notebooks: notebooks.length, notes, photos, photosMissing };
}
