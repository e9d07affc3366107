import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateSigningKeyPair, sodiumReady, utf8 } from '../../../crypto/index.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { IndexedDbBoxPersistence } from '../../../sync/storage/indexeddb-box-persistence.ts';
import { IndexedDbStorageAdapter } from '../../../sync/storage/indexeddb-storage-adapter.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import { hasVault, type VaultServices } from '../../../sync/vault/vault-services.ts';
import { dumpIndexedDb, containsBytes } from '../../helpers/indexeddb-dump.ts';

const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
let n = 0;
function services(): VaultServices {
  return { storage: new IndexedDbStorageAdapter(`obscura-test-${n++}`), boxes: new IndexedDbBoxPersistence(), pwhash: FAST };
}

beforeAll(sodiumReady);

describe('vault on IndexedDB', () => {
  it('creates, locks and unlocks; notes survive; wrong passphrase fails with E_PASSPHRASE', async () => {
    const s = services();
    expect(await hasVault(s)).toBe(false);
    const { vault, recoveryKey } = await createVault(s, 'correct horse');
    expect(recoveryKey.length).toBeGreaterThan(40);
    const notebookId = vault.notebooks.create('Secret garden plans');
    const opened = await vault.notebooks.open(notebookId);
    if (!opened.ok) throw new Error(opened.error.message);
    createNote(opened.value.doc, { title: 'MARKER-TITLE-7f3a', body: 'MARKER-BODY-91c2' });
    await vault.lock();
    expect(vault.locked).toBe(true);

    expect(await hasVault(s)).toBe(true);
    const wrong = await unlockVault(s, { passphrase: 'wrong horse' });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.code).toBe('E_PASSPHRASE');

    const again = await unlockVault(s, { passphrase: 'correct horse' });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.notebooks.list().map((nb) => nb.name)).toEqual(['Secret garden plans']);
    const reopened = await again.value.notebooks.open(notebookId);
    if (!reopened.ok) throw new Error(reopened.error.message);
    expect(readNotes(reopened.value.doc).map((note) => note.title)).toEqual(['MARKER-TITLE-7f3a']);
    await again.value.lock();

    const byRecovery = await unlockVault(s, { recoveryKey });
    expect(byRecovery.ok).toBe(true);
    if (byRecovery.ok) await byRecovery.value.lock();
  });

  it('changing the passphrase re-wraps the vault key; the old one stops working', async () => {
    const s = services();
    const { vault } = await createVault(s, 'old pass');
    vault.notebooks.create('n');
    await vault.secrets.changePassphrase('new pass');
    await vault.lock();
    const old = await unlockVault(s, { passphrase: 'old pass' });
    expect(old.ok ? 'opened' : old.error.code).toBe('E_PASSPHRASE');
    const fresh = await unlockVault(s, { passphrase: 'new pass' });
    if (!fresh.ok) throw new Error(fresh.error.message);
    expect(fresh.value.notebooks.list()).toHaveLength(1);
    await fresh.value.lock();
  });

  it('rotating the vault key on IndexedDB moves every box to its new database and deletes the old one; notes survive a lock', async () => {
    const s = services();
    const { vault } = await createVault(s, 'correct horse');
    const id = vault.notebooks.create('Moving house');
    const opened = await vault.notebooks.open(id);
    if (!opened.ok) throw new Error(opened.error.message);
    createNote(opened.value.doc, { title: 'MARKER-ROTATED-5e1d' });
    await vault.flush();
    const names = async (): Promise<string[]> => (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('obscura-box-')).sort();
    const before = await names();
    const rotated = await vault.rotation.rotate('correct horse');
    if (!rotated.ok) throw new Error(rotated.error.message);
    // The open notebook stayed open and writes into the new database.
    createNote(opened.value.doc, { title: 'MARKER-AFTER-9c0b' });
    await vault.lock();
    const after = await names();
    expect(after.length).toBe(before.length);
    expect(after.filter((n) => before.includes(n))).toHaveLength(before.length - 1);
    const again = await unlockVault(s, { passphrase: 'correct horse' });
    if (!again.ok) throw new Error(again.error.message);
    const reopened = await again.value.notebooks.open(id);
    if (!reopened.ok) throw new Error(reopened.error.message);
    expect(readNotes(reopened.value.doc).map((note) => note.title).sort()).toEqual(['MARKER-AFTER-9c0b', 'MARKER-ROTATED-5e1d']);
    expect(reopened.value.sealed.quarantine.size).toBe(0);
    await again.value.lock();
  });

  it('E_NO_VAULT before one is created', async () => {
    const result = await unlockVault(services(), { passphrase: 'x' });
    expect(result.ok ? 'opened' : result.error.code).toBe('E_NO_VAULT');
  });

  it('IndexedDB holds ciphertext only: no marker, title or notebook name in any database', async () => {
    const s = services();
    const { vault } = await createVault(s, 'pass');
    const notebookId = vault.notebooks.create('NOTEBOOK-NAME-e4d1');
    const opened = await vault.notebooks.open(notebookId);
    if (!opened.ok) throw new Error(opened.error.message);
    createNote(opened.value.doc, { title: 'CANARY-TITLE-5b8e', body: 'CANARY-BODY-0a6f' });
    await vault.flush();
    const dump = await dumpIndexedDb(indexedDB);
    expect(dump.length).toBeGreaterThan(1000);
    for (const marker of ['NOTEBOOK-NAME-e4d1', 'CANARY-TITLE-5b8e', 'CANARY-BODY-0a6f', notebookId]) {
      expect(containsBytes(dump, utf8(marker)), marker).toBe(false);
    }
    await vault.lock();
  });

  it('lock wipes the keys it held', async () => {
    const s = services();
    const { vault } = await createVault(s, 'pass');
    const notebookId = vault.notebooks.create('n');
    await vault.notebooks.open(notebookId);
    await vault.lock();
    await expect(vault.notebooks.open(notebookId)).rejects.toThrow('locked');
  });
});

describe('vault error codes', () => {
  it('E_NOTEBOOK_UNKNOWN: opening a notebook the vault does not list', async () => {
    const { vault } = await createVault(services(), 'pass');
    const result = await vault.notebooks.open('no-such-notebook');
    expect(result.ok ? 'opened' : result.error.code).toBe('E_NOTEBOOK_UNKNOWN');
    await vault.lock();
  });

  it('E_FORMAT: a damaged vault header is reported, not thrown', async () => {
    const s = services();
    await s.storage.save(['vault', 'header'], new Uint8Array([1, 2, 3]));
    const result = await unlockVault(s, { passphrase: 'x' });
    expect(result.ok ? 'opened' : result.error.code).toBe('E_FORMAT');
  });
});

describe('vault notebooks trust members only', () => {
  it('E_SIGNER: an entry from a device that holds the notebook key but is not a member is quarantined', async () => {
    const { vault } = await createVault(services(), 'pass');
    const id = vault.notebooks.create('n');
    const opened = await vault.notebooks.open(id);
    if (!opened.ok) throw new Error(opened.error.message);
    createNote(opened.value.doc, { title: 'by the founder' });
    opened.value.sealed.flush();
    // An outsider with the key (say, from a leaked backup) writes into the same box.
    const outsiderPlain = new Y.Doc();
    const outsiderBox = new Y.Doc();
    const outsider = new SealedDoc({
      docId: id,
      plain: outsiderPlain,
      box: outsiderBox,
      keyring: opened.value.shared.keyring,
      writer: newWriter(generateSigningKeyPair()),
    });
    createNote(outsiderPlain, { title: 'by an outsider' });
    outsider.destroy();
    Y.applyUpdate(opened.value.shared.box, Y.encodeStateAsUpdate(outsiderBox));
    expect([...opened.value.sealed.quarantine.values()].map((q) => q.code)).toEqual(['E_SIGNER']);
    expect(readNotes(opened.value.doc).map((note) => note.title)).toEqual(['by the founder']);
    await vault.lock();
  });
});
