import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeVaultHeader, randomBytes, sodiumReady, unlockWithPassphrase } from '../../../crypto/index.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { readMember } from '../../../sync/share/members.ts';
import type { MemoryBoxPersistence } from '../../../sync/storage/memory-box-persistence.ts';
import { deviceKeysFromSeeds } from '../../../sync/vault/vault-records.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import type { OpenNotebook } from '../../../sync/vault/notebook-registry.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import { Vault } from '../../../sync/vault/vault.ts';
import { memoryServices, must, PASS } from '../vault-sync/vault-sync-harness.ts';

beforeAll(sodiumReady);

/** Everything `from` holds in the vault room and in one notebook's room reaches `to` (as sync would carry it). */
async function deliver(from: Vault, to: Vault, notebookId: string): Promise<void> {
  Y.applyUpdate(to.replicas.vault().box, Y.encodeStateAsUpdate(from.replicas.vault().box), 'peer');
  const [a, b] = [await from.replicas.notebook(notebookId), await to.replicas.notebook(notebookId)];
  if (a && b) Y.applyUpdate(b.box, Y.encodeStateAsUpdate(a.box), 'peer');
}

/**
 * Issue 18 §1: holding the vault key used to make anyone one of the person's devices. The
 * attacker here has the laptop's stored header and the passphrase (a backup file, an old copy
 * of the profile, a phone signed out without a vault-key rotation): it opens the vault with
 * fresh device keys and registers them. It must read, at most: nothing it writes counts, and
 * no device of the person adds it to a notebook, let alone as owner.
 */
describe('attack: a holder of the vault key who is not one of the person\'s devices (issue 18 §1)', () => {
  it('registers fresh device keys; the laptop never adds it to a notebook, and refuses what it writes to the vault doc and to notebooks (E_SIGNER)', async () => {
    const services = memoryServices();
    const laptop = (await createVault(services, PASS)).vault;
    const shared = laptop.notebooks.create('Shared');
    const diary = laptop.notebooks.create('Diary');
    const nbLaptop: OpenNotebook = must(await laptop.notebooks.open(shared));
    createNote(nbLaptop.doc, { title: 'from-laptop' });
    await laptop.flush();

    // The attacker: the stored header, the passphrase, and a copy of what the relay holds.
    const header = must(decodeVaultHeader((await services.storage.load(['vault', 'header'])) as Uint8Array));
    const vaultKey = must(await unlockWithPassphrase(header, PASS));
    const theirs = memoryServices();
    for (const [name, bytes] of (services.boxes as MemoryBoxPersistence).stored) (theirs.boxes as MemoryBoxPersistence).stored.set(name, bytes.slice());
    const attacker = await Vault.open(theirs, header, vaultKey, deviceKeysFromSeeds(randomBytes(64)));
    attacker.notebooks.delete(diary);
    attacker.notebooks.rename(shared, 'Mine now');
    const nbAttacker = must(await attacker.notebooks.open(shared));
    createNote(nbAttacker.doc, { title: 'from-attacker' });
    await attacker.flush();

    await deliver(attacker, laptop, shared);
    await laptop.flush();
    // Its vault doc changes are refused, not applied.
    expect(laptop.notebooks.list().map((nb) => nb.name).sort()).toEqual(['Diary', 'Shared']);
    expect(laptop.quarantined).toBeGreaterThan(0);
    // Listed in the vault doc (it registered itself), but never made a member, nor an owner.
    expect(readMember(nbLaptop.doc, attacker.deviceId)).toBeUndefined();
    expect(readNotes(nbLaptop.doc).map((n) => n.title)).toEqual(['from-laptop']);
    expect([...nbLaptop.sealed.quarantine.values()].map((q) => q.code)).toContain('E_SIGNER');

    // Reopened from storage (a restart), the laptop decides the same.
    await laptop.lock();
    await attacker.lock();
    const again = must(await unlockVault(services, { passphrase: PASS }));
    expect(again.notebooks.list().map((nb) => nb.name).sort()).toEqual(['Diary', 'Shared']);
    const reopened = must(await again.notebooks.open(shared));
    expect(readMember(reopened.doc, attacker.deviceId)).toBeUndefined();
    expect(readNotes(reopened.doc).map((n) => n.title)).toEqual(['from-laptop']);
    await again.lock();
  });

  it('cannot replace the vault\'s recovery key or rename the person\'s devices: the laptop refuses both and keeps its recovery key', async () => {
    const services = memoryServices();
    const made = await createVault(services, PASS);
    const laptop = made.vault;
    laptop.devices.setName('Ada laptop');
    await laptop.flush();
    const stored = (await services.storage.load(['vault', 'header'])) as Uint8Array;
    const header = must(decodeVaultHeader(stored));
    const vaultKey = must(await unlockWithPassphrase(header, PASS));
    const theirs = memoryServices();
    await theirs.storage.save(['vault', 'header'], stored.slice());
    for (const [name, bytes] of (services.boxes as MemoryBoxPersistence).stored) (theirs.boxes as MemoryBoxPersistence).stored.set(name, bytes.slice());
    const attacker = await Vault.open(theirs, header, vaultKey, deviceKeysFromSeeds(randomBytes(64)));
    const planted = must(await attacker.secrets.regenerateRecoveryKey());
    // Renames the laptop in its own copy of the vault doc (the app would never, an attacker may).
    attacker.doc.getMap('deviceNames').set(laptop.deviceId, 'not yours');
    await attacker.flush();

    Y.applyUpdate(laptop.replicas.vault().box, Y.encodeStateAsUpdate(attacker.replicas.vault().box), 'peer');
    await laptop.flush();
    expect(laptop.secrets.recoveryKeyState()).toMatchObject({ shared: true, version: 1, here: true });
    expect(laptop.devices.list().map((d) => d.name)).toEqual(['Ada laptop']);
    await laptop.lock();
    await attacker.lock();
    expect((await unlockVault(services, { recoveryKey: planted })).ok).toBe(false);
    const mine = must(await unlockVault(services, { recoveryKey: made.recoveryKey }));
    await mine.lock();
  });
});
