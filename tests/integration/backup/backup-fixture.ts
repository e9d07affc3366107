import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import { BlobStore } from '../../../sync/blob/blob-store.ts';
import { collectBackupSource } from '../../../sync/backup/backup-source.ts';
import { writeBackup } from '../../../sync/backup/backup-writer.ts';
import { addUserLabel, writeTagResults } from '../../../sync/notebook/labels.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { setNotePhoto } from '../../../sync/notebook/photos.ts';
import { MemoryBoxPersistence } from '../../../sync/storage/memory-box-persistence.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import type { VaultServices } from '../../../sync/vault/vault-services.ts';
import { randomPhotoKey, toBase64Url } from '../../../crypto/index.ts';
import { seededRandom } from '../../helpers/seeded-random.ts';

export const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
export const PASSPHRASE = 'correct horse battery staple';
/** Text that must never appear in the backup file. */
export const MARKER = 'PLAINTEXT-MARKER-7f3a';

export function freshDevice(): { services: VaultServices & { boxes: MemoryBoxPersistence }; blobs: BlobStore } {
  const services = { storage: new MemoryStorageAdapter(), boxes: new MemoryBoxPersistence(), pwhash: FAST };
  return { services, blobs: new BlobStore(services.storage) };
}

export interface Made {
  readonly bytes: Uint8Array;
  readonly recoveryKey: string;
  readonly photo: Uint8Array;
  readonly notebookIds: readonly string[];
  readonly noteId: string;
}

/** A vault with 2 notebooks, notes with labels and OCR, and one photo (seeded bytes), backed up. */
export async function makeBackup(seed: number): Promise<Made> {
  const { vault, services, blobs, ...made } = await makeVault(seed);
  const source = await collectBackupSource(vault, services, blobs);
  if (!source.ok) throw new Error(source.error.message);
  const parts: Uint8Array[] = [];
  const summary = await writeBackup(source.value, (part) => void parts.push(part.slice()));
  if (summary.blobs !== 2 || summary.missingBlobs.length !== 0) throw new Error(`blobs ${summary.blobs}, missing ${summary.missingBlobs.length}`);
  await vault.lock();
  return { bytes: concat(parts), ...made };
}

export async function makeVault(seed: number) {
  const { services, blobs } = freshDevice();
  const { vault, recoveryKey } = await createVault(services, PASSPHRASE);
  const first = vault.notebooks.create(`Trips ${MARKER}`);
  const second = vault.notebooks.create('Receipts');
  const a = await vault.notebooks.open(first);
  const b = await vault.notebooks.open(second);
  if (!a.ok || !b.ok) throw new Error('notebook did not open');
  const noteId = createNote(a.value.doc, { title: `Harbour ${MARKER}`, body: `Boats at dawn ${MARKER}` });
  writeTagResults(a.value.doc, noteId, {
    labels: [{ label: 'boat', score: 0.91, box: [1, 2, 30, 40], modelId: 'centernet', modelVersion: '1' }],
    ocr: [{ text: `HARBOUR ${MARKER}`, confidence: 0.8, box: [[0, 0], [10, 0], [10, 5], [0, 5]] }],
    pipelineVersion: 'p1',
  });
  addUserLabel(a.value.doc, noteId, 'holiday');
  createNote(b.value.doc, { title: 'Groceries', body: 'milk' });
  const random = seededRandom(seed);
  const photo = Uint8Array.from({ length: 200_000 }, () => Math.floor(random() * 256));
  photo.set(new TextEncoder().encode(MARKER), 1000);
  const photoKey = randomPhotoKey();
  const stored = await blobs.put(photoKey, photoBlobAd(first, noteId, 'photo'), photo);
  const thumb = await blobs.put(photoKey, photoBlobAd(first, noteId, 'thumb'), photo.subarray(0, 5000));
  setNotePhoto(a.value.doc, noteId, { blobId: stored.id, thumbBlobId: thumb.id, photoKey: toBase64Url(photoKey), width: 640, height: 480, mime: 'image/jpeg', addedAt: 1_700_000_000_000 });
  await vault.flush();
  return { vault, services, blobs, recoveryKey, photo, notebookIds: [first, second] as const, noteId };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
