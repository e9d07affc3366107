import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady, utf8 } from '../../../crypto/index.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { IndexedDbBoxPersistence } from '../../../sync/storage/indexeddb-box-persistence.ts';
import { IndexedDbStorageAdapter } from '../../../sync/storage/indexeddb-storage-adapter.ts';
import { expiredDeletions, NOTEBOOK_UNDO_MS } from '../../../sync/vault/notebook-meta.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { VaultServices } from '../../../sync/vault/vault-services.ts';

const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
let n = 0;
function services(): VaultServices {
  return { storage: new IndexedDbStorageAdapter(`obscura-meta-test-${n++}`), boxes: new IndexedDbBoxPersistence(), pwhash: FAST };
}

async function boxDatabases(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '').filter((name) => name.startsWith('obscura-box-'));
}

beforeAll(sodiumReady);

describe('notebook colour, delete, undo and purge (Vault on IndexedDB)', () => {
  it('colour and a pending deletion survive a lock; undo brings the notebook back whole', async () => {
    const s = services();
    const { vault } = await createVault(s, 'correct horse');
    const id = vault.notebooks.create('Garden');
    const opened = await vault.notebooks.open(id);
    if (!opened.ok) throw new Error(opened.error.message);
    createNote(opened.value.doc, { title: 'Tomatoes' });
    vault.notebooks.setColour(id, 'teal');
    vault.notebooks.delete(id, 1_000);
    expect(vault.notebooks.entries()).toMatchObject([{ id, name: 'Garden', colour: 'teal', deletedAt: 1_000 }]);
    await vault.lock();

    const again = await unlockVault(s, { passphrase: 'correct horse' });
    if (!again.ok) throw new Error(again.error.message);
    expect(expiredDeletions(again.value.doc, 1_000 + NOTEBOOK_UNDO_MS - 1)).toEqual([]);
    expect(expiredDeletions(again.value.doc, 1_000 + NOTEBOOK_UNDO_MS)).toEqual([id]);
    again.value.notebooks.undoDelete(id);
    expect(again.value.notebooks.entries()).toEqual([expect.objectContaining({ id, name: 'Garden', colour: 'teal' })]);
    expect(again.value.notebooks.entries()[0]).not.toHaveProperty('deletedAt');
    const reopened = await again.value.notebooks.open(id);
    if (!reopened.ok) throw new Error(reopened.error.message);
    expect(readNotes(reopened.value.doc).map((note) => note.title)).toEqual(['Tomatoes']);
    await again.value.lock();
  });

  it('purge leaves a tombstone without name or keys and removes the box database', async () => {
    const s = services();
    const { vault } = await createVault(s, 'correct horse');
    const keep = vault.notebooks.create('Keep');
    const gone = vault.notebooks.create('Gone');
    const before = await boxDatabases();
    for (const id of [keep, gone]) {
      const opened = await vault.notebooks.open(id);
      if (!opened.ok) throw new Error(opened.error.message);
      createNote(opened.value.doc, { title: id });
      await opened.value.flush();
    }
    const created = (await boxDatabases()).filter((name) => !before.includes(name));
    expect(created).toHaveLength(2);
    vault.notebooks.delete(gone);
    await vault.notebooks.purge(gone);
    expect(vault.notebooks.entries().map((nb) => nb.name)).toEqual(['Keep']);
    expect(vault.notebooks.list().map((nb) => nb.name)).toEqual(['Keep']);
    const opened = await vault.notebooks.open(gone);
    expect(opened.ok ? 'opened' : opened.error.code).toBe('E_NOTEBOOK_UNKNOWN');
    expect((await boxDatabases()).filter((name) => created.includes(name))).toHaveLength(1);
    await vault.lock();
  });

  it('a notebook\'s kept search index round-trips through the vault across a lock, and purging the notebook removes it', async () => {
    const s = services();
    const { vault } = await createVault(s, 'correct horse');
    const keep = vault.notebooks.create('Keep');
    const gone = vault.notebooks.create('Gone');
    await vault.records.saveSearchIndex(keep, utf8('index of keep'));
    await vault.records.saveSearchIndex(gone, utf8('index of gone'));
    await vault.lock();
    const again = await unlockVault(s, { passphrase: 'correct horse' });
    if (!again.ok) throw new Error(again.error.message);
    const kept = await again.value.records.loadSearchIndex(keep);
    expect(kept?.ok && new TextDecoder().decode(kept.value)).toBe('index of keep');
    expect(await s.storage.loadRange(['search-index'])).toHaveLength(2);
    again.value.notebooks.delete(gone);
    await again.value.notebooks.purge(gone);
    expect(await again.value.records.loadSearchIndex(gone)).toBeUndefined();
    expect(await s.storage.loadRange(['search-index'])).toHaveLength(1);
    await again.value.lock();
  });

  it('a device record opens only under its own vault and name', async () => {
    const s = services();
    const { vault } = await createVault(s, 'correct horse');
    await vault.records.save('settings', utf8('{"a":1}'));
    const loaded = await vault.records.load('settings');
    expect(loaded?.ok && new TextDecoder().decode(loaded.value)).toBe('{"a":1}');
    expect(await vault.records.load('other')).toBeUndefined();
    const raw = await s.storage.load(['device-record', 'settings']);
    if (!raw) throw new Error('no record stored');
    await s.storage.save(['device-record', 'other'], raw);
    const swapped = await vault.records.load('other');
    expect(swapped?.ok ? 'opened' : swapped?.error.code).toBe('E_DECRYPT');
    await vault.lock();
  });

  it('regenerateRecoveryKey: the new key unlocks, the old one fails with E_RECOVERY_KEY; checkPassphrase', async () => {
    const s = services();
    const { vault, recoveryKey } = await createVault(s, 'correct horse');
    expect((await vault.secrets.checkPassphrase('wrong horse')).ok).toBe(false);
    expect((await vault.secrets.checkPassphrase('correct horse')).ok).toBe(true);
    const regenerated = await vault.secrets.regenerateRecoveryKey();
    if (!regenerated.ok) throw new Error(regenerated.error.message);
    const fresh = regenerated.value;
    expect(fresh).not.toBe(recoveryKey);
    await vault.lock();
    const old = await unlockVault(s, { recoveryKey });
    expect(old.ok ? 'opened' : old.error.code).toBe('E_RECOVERY_KEY');
    const unlocked = await unlockVault(s, { recoveryKey: fresh });
    if (!unlocked.ok) throw new Error(unlocked.error.message);
    await unlocked.value.lock();
  });
});
