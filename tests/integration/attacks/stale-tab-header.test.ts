import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import type { StorageAdapter } from '../../../sync/storage/storage-adapter.ts';
import { IndexedDbBoxPersistence } from '../../../sync/storage/indexeddb-box-persistence.ts';
import { IndexedDbStorageAdapter } from '../../../sync/storage/indexeddb-storage-adapter.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { Vault } from '../../../sync/vault/vault.ts';
import type { VaultServices } from '../../../sync/vault/vault-services.ts';

const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
const PASS = 'the first passphrase';
let n = 0;

/**
 * Two tabs of one browser profile: each page has its own IndexedDB connection to the same
 * database and its own unlocked Vault, which keeps the header it read at unlock in memory.
 * No message passes between them here: this is the tab that missed whatever the other said
 * (frozen, backgrounded, or simply never told).
 */
async function twoTabs(): Promise<{ profile: () => VaultServices; tab1: Vault; tab2: Vault; recoveryKey: string }> {
  const db = `obscura-stale-tab-${n++}`;
  const profile = (): VaultServices => ({ storage: new IndexedDbStorageAdapter(db), boxes: new IndexedDbBoxPersistence(), pwhash: FAST });
  const { vault: tab1, recoveryKey } = await createVault(profile(), PASS);
  const tab2 = await unlockVault(profile(), { passphrase: PASS });
  if (!tab2.ok) throw new Error(tab2.error.message);
  return { profile, tab1, tab2: tab2.value, recoveryKey };
}

function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** What a secret opens on disk now, as a fresh tab would try it. */
async function opens(profile: () => VaultServices, secret: { passphrase: string } | { recoveryKey: string }): Promise<string> {
  const unlocked = await unlockVault(profile(), secret);
  if (!unlocked.ok) return unlocked.error.code;
  await unlocked.value.lock();
  return 'opens';
}

beforeAll(sodiumReady);

describe('attack: a stale tab writes back the vault header it read at unlock (issue 18 §3)', () => {
  it('tab 1 makes a new recovery key, stale tab 2 then changes the passphrase: the old recovery key stays revoked', async () => {
    const { profile, tab1, tab2, recoveryKey: oldRecovery } = await twoTabs();
    const newRecovery = must(await tab1.secrets.regenerateRecoveryKey());
    await tab2.secrets.changePassphrase('a passphrase typed in tab 2').catch(() => undefined);
    expect(await opens(profile, { recoveryKey: oldRecovery })).toBe('E_RECOVERY_KEY');
    expect(await opens(profile, { recoveryKey: newRecovery })).toBe('opens');
    await tab1.lock();
    await tab2.lock();
  });

  it('tab 1 changes the passphrase, stale tab 2 then makes a new recovery key: the old passphrase stays refused', async () => {
    const { profile, tab1, tab2 } = await twoTabs();
    await tab1.secrets.changePassphrase('the second passphrase');
    await tab2.secrets.regenerateRecoveryKey().catch(() => undefined);
    expect(await opens(profile, { passphrase: PASS })).toBe('E_PASSPHRASE');
    expect(await opens(profile, { passphrase: 'the second passphrase' })).toBe('opens');
    await tab1.lock();
    await tab2.lock();
  });

  it('tab 1 rotates the vault key, stale tab 2 then changes the passphrase: the old recovery key stays revoked and the rotated vault still opens', async () => {
    const { profile, tab1, tab2, recoveryKey: oldRecovery } = await twoTabs();
    const rotated = await tab1.rotation.rotate(PASS);
    if (!rotated.ok) throw new Error(rotated.error.message);
    await tab2.secrets.changePassphrase('a passphrase typed in tab 2').catch(() => undefined);
    expect(await opens(profile, { recoveryKey: oldRecovery })).toBe('E_RECOVERY_KEY');
    expect(await opens(profile, { recoveryKey: rotated.value.recoveryKey })).toBe('opens');
    await tab1.lock();
    await tab2.lock();
  });

  it('E_VAULT_HEADER_CHANGED: a stale tab stores no header; checkPassphrase, changePassphrase, regenerateRecoveryKey and rotateVaultKey all say so', async () => {
    const { profile, tab1, tab2, recoveryKey } = await twoTabs();
    const newRecovery = must(await tab1.secrets.regenerateRecoveryKey());
    const code = (result: { ok: boolean; error?: { code: string } }) => (result.ok ? 'stored' : result.error?.code);
    expect(code(await tab2.secrets.checkPassphrase(PASS))).toBe('E_VAULT_HEADER_CHANGED');
    expect(code(await tab2.secrets.changePassphrase('a passphrase typed in tab 2'))).toBe('E_VAULT_HEADER_CHANGED');
    expect(code(await tab2.secrets.regenerateRecoveryKey())).toBe('E_VAULT_HEADER_CHANGED');
    expect(code(await tab2.rotation.rotate(PASS))).toBe('E_VAULT_HEADER_CHANGED');
    // Nothing of tab 2's reached the disk: tab 1's header is the stored one.
    expect(await opens(profile, { passphrase: 'a passphrase typed in tab 2' })).toBe('E_PASSPHRASE');
    expect(await opens(profile, { recoveryKey })).toBe('E_RECOVERY_KEY');
    expect(await opens(profile, { recoveryKey: newRecovery })).toBe('opens');
    expect(await opens(profile, { passphrase: PASS })).toBe('opens');
    await tab1.lock();
    await tab2.lock();
  });

  it('a tab told of the new header (adoptHeader with its digest) changes the passphrase on top of it: new passphrase and new recovery key both open, the old recovery key does not', async () => {
    const { profile, tab1, tab2, recoveryKey } = await twoTabs();
    const heard: string[] = [];
    tab1.secrets.onHeaderChange((change) => change.kind === 'rewrapped' && heard.push(change.digest));
    const newRecovery = must(await tab1.secrets.regenerateRecoveryKey());
    expect(heard).toHaveLength(1);
    expect(await tab2.secrets.adoptHeader('not the digest')).toBe(false);
    expect(await tab2.secrets.adoptHeader(heard[0] as string)).toBe(true);
    must(await tab2.secrets.changePassphrase('a passphrase typed in tab 2'));
    expect(await opens(profile, { recoveryKey })).toBe('E_RECOVERY_KEY');
    expect(await opens(profile, { recoveryKey: newRecovery })).toBe('opens');
    expect(await opens(profile, { passphrase: 'a passphrase typed in tab 2' })).toBe('opens');
    await tab1.lock();
    await tab2.lock();
  });

  it('a rotation tells the other tabs before it writes anything (rotating), and only that', async () => {
    const { profile, tab1, tab2 } = await twoTabs();
    await tab1.lock();
    // The tab that rotates, on a disk that logs its writes next to what the vault announces.
    const log: string[] = [];
    const disk = profile();
    const storage: StorageAdapter = {
      load: (key) => disk.storage.load(key),
      loadRange: (prefix) => disk.storage.loadRange(prefix),
      save: (key, data) => (log.push(`save ${key.join('/')}`), disk.storage.save(key, data)),
      saveIf: (key, accept, data) => (log.push(`saveIf ${key.join('/')}`), disk.storage.saveIf(key, accept, data)),
      remove: (key) => (log.push(`remove ${key.join('/')}`), disk.storage.remove(key)),
      removeRange: (prefix) => (log.push(`removeRange ${prefix.join('/')}`), disk.storage.removeRange(prefix)),
    };
    const rotating = must(await unlockVault({ ...disk, storage }, { passphrase: PASS }));
    rotating.secrets.onHeaderChange((change) => log.push(`heard ${change.kind}`));
    log.length = 0;
    must(await rotating.rotation.rotate(PASS));
    expect(log[0]).toBe('heard rotating');
    expect(log.filter((entry) => entry.startsWith('heard'))).toEqual(['heard rotating']);
    expect(log).toContain('saveIf vault/header');
    await rotating.lock();
    await tab2.lock();
  });
});

describe('attack: two tabs on the first-run screen each create a vault (issue 18 §3)', () => {
  it('tab 1 creates a vault, then tab 2 (still showing the setup screen) creates one: tab 1\'s vault still opens with its passphrase and recovery key', async () => {
    const db = `obscura-stale-tab-${n++}`;
    const profile = (): VaultServices => ({ storage: new IndexedDbStorageAdapter(db), boxes: new IndexedDbBoxPersistence(), pwhash: FAST });
    const first = await createVault(profile(), PASS);
    const notebook = first.vault.notebooks.create('made in tab 1');
    await first.vault.lock();
    const second = await createVault(profile(), 'typed in tab 2').catch(() => undefined);
    await second?.vault.lock();
    const reopened = await unlockVault(profile(), { passphrase: PASS });
    expect(reopened.ok ? reopened.value.notebooks.list().map((nb) => nb.id) : reopened.error.code).toEqual([notebook]);
    if (reopened.ok) await reopened.value.lock();
    expect(await opens(profile, { recoveryKey: first.recoveryKey })).toBe('opens');
  });
});
