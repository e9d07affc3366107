import 'fake-indexeddb/auto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { FACERES_IO } from '../../../ml/faces/embed-face.ts';
import { FACE_RECORD, loadFaceRecord, type FaceRecordOptions } from '../../../sync/vault/face-record.ts';
import { MemoryBoxPersistence } from '../../../sync/storage/memory-box-persistence.ts';
import { IndexedDbStorageAdapter } from '../../../sync/storage/indexeddb-storage-adapter.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { Vault } from '../../../sync/vault/vault.ts';
import type { VaultDeviceRecords } from '../../../sync/vault/vault-device-records.ts';
import type { VaultServices } from '../../../sync/vault/vault-services.ts';
import { fillTheDisk, freeTheDisk } from '../../helpers/full-disk.ts';

beforeAll(sodiumReady);

const PASS = 'faces stay on this device';
const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };

afterEach(freeTheDisk);

/**
 * One profile's lock, as navigator.locks gives the tabs of a profile (Node 20 has no Web
 * Locks): work under one name runs one at a time, in the order asked.
 */
function profileLock(): <T>(name: string, work: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const run = (tails.get(name) ?? Promise.resolve()).then(work);
    tails.set(name, run.catch(() => undefined));
    return run;
  };
}

let n = 0;
/** One profile (one IndexedDB database) and `tabs` vaults unlocked over it, as many tabs of it. */
async function profile(tabs: number): Promise<{ services: VaultServices; vaults: Vault[] }> {
  const services: VaultServices = { storage: new IndexedDbStorageAdapter(`face-record-${n++}`), boxes: new MemoryBoxPersistence(), pwhash: FAST, exclusive: profileLock() };
  const vaults = [(await createVault(services, PASS)).vault];
  while (vaults.length < tabs) {
    const unlocked = await unlockVault(services, { passphrase: PASS });
    if (!unlocked.ok) throw new Error(unlocked.error.message);
    vaults.push(unlocked.value);
  }
  return { services, vaults };
}

/** What src/app/face-store.ts passes, with the face model's size. */
const load = (vault: Vault, options: Omit<FaceRecordOptions, 'dims'> = {}) => loadFaceRecord(vault.records, { dims: FACERES_IO.dims, ...options });

const face = (seed: number) => Float32Array.from({ length: FACERES_IO.dims }, (_, i) => Math.sin(seed * 1000 + i));

describe('face record (sealed device record, real IndexedDB adapter)', () => {
  it('E_FACES_UNSAVED: a save the full disk refuses is told, keeps the faces in memory, and is saved again once there is space', async () => {
    const { services, vaults } = await profile(1);
    const store = await load(vaults[0]!, { exclusive: services.exclusive, retryMs: 50 });
    fillTheDisk();
    store.put('nb', 'n1', [face(1), face(2)]);
    await store.flush();
    expect(store.problem()).toBe('E_FACES_UNSAVED');
    // Nothing found is lost, and the note is not scanned again.
    expect(store.isScanned('nb', 'n1')).toBe(true);
    expect([...store.embeddings().keys()]).toEqual(['nb/n1#0', 'nb/n1#1']);
    // Another refusal does not tell it again (the one problem stands).
    store.put('nb', 'n2', [face(3)]);
    await store.flush();
    expect(store.problem()).toBe('E_FACES_UNSAVED');
    // Space freed: the retry saves all of it, with no further put.
    freeTheDisk();
    await expect.poll(() => store.problem(), { timeout: 10_000 }).toBeUndefined();
    const reloaded = await load(vaults[0]!);
    expect(reloaded.isScanned('nb', 'n1') && reloaded.isScanned('nb', 'n2')).toBe(true);
    expect([...reloaded.embeddings().keys()].sort()).toEqual(['nb/n1#0', 'nb/n1#1', 'nb/n2#0']);
    expect(reloaded.embeddings().get('nb/n2#0')).toEqual(face(3));
    expect(await vaults[0]!.records.load(FACE_RECORD)).toMatchObject({ ok: true });
  });

  it('two tabs of one profile each save their own faces without losing the other tab\'s (read-merge-write under the lock)', async () => {
    const { services, vaults } = await profile(3);
    const [a, b, c] = vaults as [Vault, Vault, Vault];
    const tabA = await load(a, { exclusive: services.exclusive });
    const tabB = await load(b, { exclusive: services.exclusive });
    tabA.put('nb', 'n1', [face(1), face(2)]);
    tabB.put('nb', 'n2', [face(3)]);
    await tabA.flush();
    await tabB.flush();
    // At the same moment too.
    tabA.put('nb', 'n3', [face(4)]);
    tabB.put('nb', 'n4', []);
    await Promise.all([tabA.flush(), tabB.flush()]);
    const third = await load(c);
    for (const note of ['n1', 'n2', 'n3', 'n4']) expect(third.isScanned('nb', note)).toBe(true);
    expect([...third.embeddings().keys()].sort()).toEqual(['nb/n1#0', 'nb/n1#1', 'nb/n2#0', 'nb/n3#0']);
    expect(third.embeddings().get('nb/n1#1')).toEqual(face(2));
    // A tab takes in what the other saved, so its groups hold every face on the device.
    expect(tabB.isScanned('nb', 'n1')).toBe(true);
    expect([...tabB.embeddings().keys()].sort()).toEqual(['nb/n1#0', 'nb/n1#1', 'nb/n2#0', 'nb/n3#0']);
  });

  it('a note scanned again in one tab (fewer faces) is not brought back by the other tab\'s next save', async () => {
    const { services, vaults } = await profile(3);
    const [a, b, c] = vaults as [Vault, Vault, Vault];
    const tabA = await load(a, { exclusive: services.exclusive });
    tabA.put('nb', 'n1', [face(1), face(2)]);
    await tabA.flush();
    const tabB = await load(b, { exclusive: services.exclusive });
    expect(tabB.embeddings().size).toBe(2);
    tabA.put('nb', 'n1', [face(5)]);
    await tabA.flush();
    tabB.put('nb', 'n2', [face(3)]);
    await tabB.flush();
    const third = await load(c);
    expect([...third.embeddings().keys()].sort()).toEqual(['nb/n1#0', 'nb/n2#0']);
    expect(third.embeddings().get('nb/n1#0')).toEqual(face(5));
  });

  it('a note scanned again while its first scan is being written keeps the newer faces', async () => {
    const { services, vaults } = await profile(2);
    const [a, b] = vaults as [Vault, Vault];
    let during: (() => void) | undefined;
    // The real vault; the second scan lands while the first write is under way.
    const writing: Pick<VaultDeviceRecords, 'load' | 'save'> = {
      load: (name) => a.records.load(name),
      save: (name, bytes) => (during?.(), (during = undefined), a.records.save(name, bytes)),
    };
    const tab = await loadFaceRecord(writing, { dims: FACERES_IO.dims, exclusive: services.exclusive });
    tab.put('nb', 'n1', [face(1), face(2)]);
    during = () => tab.put('nb', 'n1', [face(9)]);
    await tab.flush();
    await tab.flush();
    expect([...tab.embeddings().keys()]).toEqual(['nb/n1#0']);
    const other = await load(b);
    expect([...other.embeddings().keys()]).toEqual(['nb/n1#0']);
    expect(other.embeddings().get('nb/n1#0')).toEqual(face(9));
  });
});
