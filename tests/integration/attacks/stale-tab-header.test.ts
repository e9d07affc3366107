import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { IndexedDbBoxPersistence } from '../../../sync/storage/indexeddb-box-persistence.ts';
import { IndexedDbStorageAdapter } from '../../../sync/storage/indexeddb-storage-adapter.ts';
import { createVault, unlockVault, type Vault, type VaultServices } from '../../../sync/vault/vault.ts';

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
    const newRecovery = await tab1.regenerateRecoveryKey();
    await tab2.changePassphrase('a passphrase typed in tab 2').catch(() => undefined);
    expect(await opens(profile, { recoveryKey: oldRecovery })).toBe('E_RECOVERY_KEY');
    expect(await opens(profile, { recoveryKey: newRecovery })).toBe('opens');
    await tab1.lock();
    await tab2.lock();
  });

  it('tab 1 changes the passphrase, stale tab 2 then makes a new recovery key: the old passphrase stays refused', async () => {
    const { profile, tab1, tab2 } = await twoTabs();
    await tab1.changePassphrase('the second passphrase');
    await tab2.regenerateRecoveryKey().catch(() => undefined);
    expect(await opens(profile, { passphrase: PASS })).toBe('E_PASSPHRASE');
    expect(await opens(profile, { passphrase: 'the second passphrase' })).toBe('opens');
    await tab1.lock();
    await tab2.lock();
  });

  it('tab 1 rotates the vault key, stale tab 2 then changes the passphrase: the old recovery key stays revoked and the rotated vault still opens', async () => {
    const { profile, tab1, tab2, recoveryKey: oldRecovery } = await twoTabs();
    const rotated = await tab1.rotateVaultKey(PASS);
    if (!rotated.ok) throw new Error(rotated.error.message);
    await tab2.changePassphrase('a passphrase typed in tab 2').catch(() => undefined);
    expect(await opens(profile, { recoveryKey: oldRecovery })).toBe('E_RECOVERY_KEY');
    expect(await opens(profile, { recoveryKey: rotated.value.recoveryKey })).toBe('opens');
    await tab1.lock();
    await tab2.lock();
  });
});
