import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady, utf8 } from '../../../crypto/index.ts';
import { bytesSource } from '../../../sync/backup/backup-reader.ts';
import { restoreBackup } from '../../../sync/backup/backup-restore.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import { readLabels, readOcr } from '../../../sync/notebook/labels.ts';
import { createNote, readNote, readNotes } from '../../../sync/notebook/notes.ts';
import { photoKeyOf, readNotePhoto } from '../../../sync/notebook/photos.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import { testSeed } from '../../helpers/seeded-random.ts';
import { concat, freshDevice, makeBackup, MARKER, PASSPHRASE, type Made } from './backup-fixture.ts';

const seed = testSeed();
let made: Made;

beforeAll(async () => {
  await sodiumReady();
  console.log(`[backup round trip] seed ${seed} (replay with OBSCURA_SEED=${seed})`);
  made = await makeBackup(seed);
});

describe('encrypted backup round trip', () => {
  it('restores into fresh storage; unlocks with the passphrase and with the recovery key; everything is there', async () => {
    const device = freshDevice();
    const restored = await restoreBackup(device.services, device.blobs, bytesSource(made.bytes), { passphrase: PASSPHRASE });
    expect(restored).toMatchObject({ ok: true, value: { notebooks: 2, blobs: 2 } });

    for (const secret of [{ passphrase: PASSPHRASE }, { recoveryKey: made.recoveryKey }]) {
      const unlocked = await unlockVault(device.services, secret);
      if (!unlocked.ok) throw new Error(unlocked.error.code);
      const vault = unlocked.value;
      expect(vault.notebooks.list().map((n) => n.name).sort()).toEqual(['Receipts', `Trips ${MARKER}`]);
      const [first, second] = made.notebookIds as [string, string];
      const a = await vault.notebooks.open(first);
      const b = await vault.notebooks.open(second);
      if (!a.ok || !b.ok) throw new Error('restored notebook did not open');
      expect(readNote(a.value.doc, made.noteId)).toMatchObject({ title: `Harbour ${MARKER}`, body: `Boats at dawn ${MARKER}` });
      expect(readLabels(a.value.doc, made.noteId).map((l) => [l.label, l.source])).toEqual(expect.arrayContaining([['boat', 'model'], ['holiday', 'user']]));
      expect(readOcr(a.value.doc, made.noteId)[0]?.text).toBe(`HARBOUR ${MARKER}`);
      expect(readNotes(b.value.doc).map((n) => n.title)).toEqual(['Groceries']);
      const photo = readNotePhoto(a.value.doc, made.noteId);
      const key = photo && photoKeyOf(photo);
      if (!photo || !key) throw new Error('photo record missing');
      const bytes = await device.blobs.readAll(photo.blobId, key, photoBlobAd(first, made.noteId, 'photo'));
      expect(bytes.ok && bytes.value).toEqual(made.photo);
      // The restored device (new device keys) writes as a member: its note survives a lock.
      expect(a.value.sealed.quarantine.size).toBe(0);
      if ('passphrase' in secret) createNote(a.value.doc, { title: 'written after restore' });
      else expect(readNotes(a.value.doc).map((n) => n.title)).toContain('written after restore');
      await vault.lock();
    }
  });

  it('the file holds no plaintext: no marker as UTF-8 anywhere, no photo window', () => {
    const marker = utf8(MARKER);
    expect(indexOf(made.bytes, marker)).toBe(-1);
    expect(indexOf(made.bytes, made.photo.subarray(5000, 5064))).toBe(-1);
    expect(indexOf(made.bytes, utf8('Receipts'))).toBe(-1);
    // The check can find what is there.
    expect(indexOf(concat([made.bytes, marker]), marker)).toBe(made.bytes.length);
  });

  it('E_VAULT_EXISTS: a device that has a vault is refused and keeps its vault', async () => {
    const device = freshDevice();
    expect((await restoreBackup(device.services, device.blobs, bytesSource(made.bytes), { passphrase: PASSPHRASE })).ok).toBe(true);
    const again = await restoreBackup(device.services, device.blobs, bytesSource(made.bytes), { passphrase: PASSPHRASE });
    expect(again).toMatchObject({ ok: false, error: { code: 'E_VAULT_EXISTS' } });
    expect((await unlockVault(device.services, { passphrase: PASSPHRASE })).ok).toBe(true);
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
