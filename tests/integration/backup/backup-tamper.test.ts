import * as Y from 'yjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { SECTION } from '../../../sync/backup/backup-format.ts';
import { bytesSource } from '../../../sync/backup/backup-reader.ts';
import { restoreBackup, type RestoreOptions } from '../../../sync/backup/backup-restore.ts';
import { readNotes } from '../../../sync/notebook/notes.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import { hasVault } from '../../../sync/vault/vault-services.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { rewriteBackup, splitBackup } from '../../helpers/rewrite-backup.ts';
import { freshDevice, makeBackup, PASSPHRASE, type Made } from './backup-fixture.ts';

/**
 * Issue 18 §4: the backup's hashes are unkeyed, so anyone holding the file can drop or
 * replace its notebooks and photos, recompute every hash and the END marker's chain
 * (tests/helpers/rewrite-backup.ts does exactly that), and the restore accepted it: the
 * vault came back with every notebook empty and no error.
 */
const seed = testSeed();
let made: Made;

beforeAll(async () => {
  await sodiumReady();
  console.log(`[backup tamper] seed ${seed} (replay with OBSCURA_SEED=${seed})`);
  made = await makeBackup(seed);
});

async function refused(bytes: Uint8Array, code: string, options: RestoreOptions = {}): Promise<void> {
  const device = freshDevice();
  const result = await restoreBackup(device.services, device.blobs, bytesSource(bytes), { passphrase: PASSPHRASE }, undefined, options);
  expect(result).toMatchObject({ ok: false, error: { code } });
  expect(await hasVault(device.services)).toBe(false);
  expect(device.services.boxes.stored.size).toBe(0);
  expect(await device.services.storage.loadRange(['blob'])).toEqual([]);
}

describe('a backup changed after it was made is refused once the secret opened it (nothing written)', () => {
  it('the file as made restores, with its notes', async () => {
    const device = freshDevice();
    const result = await restoreBackup(device.services, device.blobs, bytesSource(made.bytes), { passphrase: PASSPHRASE });
    expect(result).toMatchObject({ ok: true, value: { notebooks: 2, blobs: 2, sealed: true } });
    const vault = await unlockVault(device.services, { passphrase: PASSPHRASE });
    if (!vault.ok) throw new Error(vault.error.message);
    const opened = await vault.value.notebooks.open(made.notebookIds[0]!);
    expect(opened.ok && readNotes(opened.value.doc).map((n) => n.id)).toEqual([made.noteId]);
    await vault.value.lock();
  });

  it('E_BACKUP_AUTH: every notebook and photo dropped, hashes and chain recomputed', async () => {
    const emptied = rewriteBackup(made.bytes, (sections) => sections.filter((s) => s.type !== SECTION.notebookBox && s.type !== SECTION.blob));
    await refused(emptied, 'E_BACKUP_AUTH');
  });

  it('E_BACKUP_AUTH: each notebook box swapped for an empty one, hashes and chain recomputed', async () => {
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    const swapped = rewriteBackup(made.bytes, (sections) => sections.map((s) => (s.type === SECTION.notebookBox ? { ...s, data: empty } : s)));
    await refused(swapped, 'E_BACKUP_AUTH');
  });

  it('E_BACKUP_AUTH: one photo dropped (seeded pick), hashes and chain recomputed', async () => {
    const random = seededRandom(seed);
    const dropped = rewriteBackup(made.bytes, (sections) => {
      const blobs = sections.filter((s) => s.type === SECTION.blob);
      const victim = blobs[Math.floor(random() * blobs.length)];
      return sections.filter((s) => s !== victim);
    });
    await refused(dropped, 'E_BACKUP_AUTH');
  });

  it('E_BACKUP_AUTH: a seal moved onto another backup of another vault (same shape, hashes recomputed)', async () => {
    const other = await makeBackup(seed + 1);
    const { end } = splitBackup(other.bytes);
    const moved = rewriteBackup(made.bytes, (sections) => sections, { endTail: () => end.subarray(36) });
    await refused(moved, 'E_BACKUP_AUTH');
  });
});

/**
 * Format 1 (made before backups were sealed) carries nothing that proves it unchanged, and
 * anyone can turn a sealed file into one (drop the seal, set the version). So it is never
 * restored silently: the person is told (E_BACKUP_UNSEALED) and decides.
 */
describe('a backup without a seal (format 1, or a sealed one downgraded)', () => {
  const unsealed = (bytes: Uint8Array, edit: Parameters<typeof rewriteBackup>[1] = (s) => s) => rewriteBackup(bytes, edit, { version: 1, endTail: () => new Uint8Array(0) });

  it('E_BACKUP_UNSEALED: refused unless the person accepts that it cannot be checked; then it restores, marked unsealed', async () => {
    const old = unsealed(made.bytes);
    await refused(old, 'E_BACKUP_UNSEALED');
    const device = freshDevice();
    const result = await restoreBackup(device.services, device.blobs, bytesSource(old), { passphrase: PASSPHRASE }, undefined, { acceptUnsealed: true });
    expect(result).toMatchObject({ ok: true, value: { notebooks: 2, blobs: 2, sealed: false } });
  });

  it('a sealed file downgraded to format 1 with its notebooks dropped is refused the same way (the person is asked, not the file)', async () => {
    await refused(unsealed(made.bytes, (sections) => sections.filter((s) => s.type !== SECTION.notebookBox)), 'E_BACKUP_UNSEALED');
  });

  it('a wrong secret is still reported as such first, before the question', async () => {
    const device = freshDevice();
    const result = await restoreBackup(device.services, device.blobs, bytesSource(unsealed(made.bytes)), { passphrase: 'not it' });
    expect(result).toMatchObject({ ok: false, error: { code: 'E_PASSPHRASE' } });
  });
});
