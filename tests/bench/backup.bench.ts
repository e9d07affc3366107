/**
 * `npm run bench -- backup [photos] [MB per photo]`: the encrypted backup in Node with the
 * memory adapters: write (collect + writeBackup), scan (every hash) and restore, in MB/s of
 * backup file, against reading every stored blob piece once (the floor any backup pays).
 * Printed, never asserted. Argon2id uses the cheap test parameters, so unlock is not measured.
 */
import { randomPhotoKey, sodiumReady, toBase64Url } from '../../crypto/index.ts';
import { bytesSource, scanBackup } from '../../sync/backup/backup-reader.ts';
import { restoreBackup } from '../../sync/backup/backup-restore.ts';
import { collectBackupSource } from '../../sync/backup/backup-source.ts';
import { writeBackup } from '../../sync/backup/backup-writer.ts';
import { BlobStore } from '../../sync/blob/blob-store.ts';
import { photoBlobAd } from '../../sync/blob/photo-blob-ad.ts';
import { createNote } from '../../sync/notebook/notes.ts';
import { setNotePhoto } from '../../sync/notebook/photos.ts';
import { MemoryBoxPersistence } from '../../sync/storage/memory-box-persistence.ts';
import { MemoryStorageAdapter } from '../../sync/storage/memory-storage-adapter.ts';
import { createVault } from '../../sync/vault/create-vault.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
const device = () => {
  const services = { storage: new MemoryStorageAdapter(), boxes: new MemoryBoxPersistence(), pwhash: FAST };
  return { services, blobs: new BlobStore(services.storage) };
};

export async function run(args: string[]): Promise<void> {
  await sodiumReady();
  const photos = Number(args[0] ?? 40);
  const mb = Number(args[1] ?? 2);
  const random = seededRandom(1);
  const { services, blobs } = device();
  const { vault } = await createVault(services, 'bench passphrase');
  const notebook = vault.notebooks.create('bench');
  const opened = await vault.notebooks.open(notebook);
  if (!opened.ok) throw new Error(opened.error.code);
  const ids: string[] = [];
  for (let i = 0; i < photos; i++) {
    const bytes = Uint8Array.from({ length: mb * 1e6 }, () => (random() * 256) | 0);
    const noteId = createNote(opened.value.doc, { title: `photo ${i}`, body: 'x'.repeat(200) });
    const key = randomPhotoKey();
    const stored = await blobs.put(key, photoBlobAd(notebook, noteId, 'photo'), bytes);
    const thumb = await blobs.put(key, photoBlobAd(notebook, noteId, 'thumb'), bytes.subarray(0, 20_000));
    ids.push(stored.id, thumb.id);
    setNotePhoto(opened.value.doc, noteId, { blobId: stored.id, thumbBlobId: thumb.id, photoKey: toBase64Url(key), width: 100, height: 100, mime: 'image/jpeg', addedAt: 0 });
  }
  await vault.flush();

  let t = performance.now();
  let floor = 0;
  for (const id of ids) {
    const stat = await blobs.stat(id);
    for (let p = 0; p < (stat?.pieces ?? 0); p++) floor += (await blobs.readPiece(id, p))?.length ?? 0;
  }
  const floorMs = performance.now() - t;

  t = performance.now();
  const source = await collectBackupSource(vault, services, blobs);
  if (!source.ok) throw new Error(source.error.code);
  const parts: Uint8Array[] = [];
  const summary = await writeBackup(source.value, (part) => void parts.push(part));
  const writeMs = performance.now() - t;
  const file = new Uint8Array(summary.bytes);
  let at = 0;
  for (const part of parts) {
    file.set(part, at);
    at += part.length;
  }
  parts.length = 0;

  t = performance.now();
  const scanned = await scanBackup(bytesSource(file));
  const scanMs = performance.now() - t;
  if (!scanned.ok) throw new Error(scanned.error.code);

  const target = device();
  t = performance.now();
  const restored = await restoreBackup(target.services, target.blobs, bytesSource(file), { passphrase: 'bench passphrase' });
  const restoreMs = performance.now() - t;
  if (!restored.ok) throw new Error(restored.error.code);
  await vault.lock();

  const fileMb = summary.bytes / 1e6;
  const rate = (ms: number) => +(fileMb / (ms / 1000)).toFixed(1);
  console.log(`\n${photos} photos of ${mb} MB (+ thumbnails): backup file ${fileMb.toFixed(1)} MB, ${summary.sections} sections; blob ciphertext ${(floor / 1e6).toFixed(1)} MB`);
  console.table({
    'read every blob piece once (floor)': { ms: Math.round(floorMs), 'MB/s': rate(floorMs), 'x floor': 1 },
    'collect + writeBackup': { ms: Math.round(writeMs), 'MB/s': rate(writeMs), 'x floor': +(writeMs / floorMs).toFixed(2) },
    'scanBackup (every hash)': { ms: Math.round(scanMs), 'MB/s': rate(scanMs), 'x floor': +(scanMs / floorMs).toFixed(2) },
    'restoreBackup (scan + write)': { ms: Math.round(restoreMs), 'MB/s': rate(restoreMs), 'x floor': +(restoreMs / floorMs).toFixed(2) },
  });
}
