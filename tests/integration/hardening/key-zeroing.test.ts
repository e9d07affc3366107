import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sodium, sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { MemoryBoxPersistence } from '../../../sync/storage/memory-box-persistence.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { Vault } from '../../../sync/vault/vault.ts';
import type { VaultServices } from '../../../sync/vault/vault-services.ts';
import type * as Crypto from '../../../crypto/index.ts';
import type * as PwhashRunner from '../../../crypto/pwhash-runner.ts';
import type * as VaultRecords from '../../../sync/vault/vault-records.ts';

/**
 * Key holders are found by keeping references to the very arrays the app holds: the
 * vault key as unlock/create hand it to the Vault, every KEK Argon2id produced, the device
 * seeds, and what open notebooks expose (keyrings, device identity). After lock every one
 * must be all zeros. The spies pass every call through unchanged.
 */
const held = vi.hoisted(() => ({ vaultKeys: [] as Uint8Array[], keks: [] as Uint8Array[], seeds: [] as Uint8Array[], newVaultKeys: [] as Uint8Array[] }));

vi.mock('../../../crypto/pwhash-runner.ts', async (importOriginal) => {
  const real = await importOriginal<typeof PwhashRunner>();
  return {
    ...real,
    runPassphraseKdf: async (...args: Parameters<typeof real.runPassphraseKdf>) => {
      const r = await real.runPassphraseKdf(...args);
      if (r.ok) held.keks.push(r.value);
      return r;
    },
    runPassphraseKdfWithFallback: async (...args: Parameters<typeof real.runPassphraseKdfWithFallback>) => {
      const r = await real.runPassphraseKdfWithFallback(...args);
      if (r.ok) held.keks.push(r.value.key);
      return r;
    },
  };
});

vi.mock('../../../crypto/index.ts', async (importOriginal) => {
  const real = await importOriginal<typeof Crypto>();
  return {
    ...real,
    createVault: async (...args: Parameters<typeof real.createVault>) => {
      const made = await real.createVault(...args);
      held.vaultKeys.push(made.vaultKey);
      return made;
    },
    randomVaultKey: () => {
      const key = real.randomVaultKey();
      held.newVaultKeys.push(key);
      return key;
    },
    unlockWithPassphrase: async (...args: Parameters<typeof real.unlockWithPassphrase>) => {
      const r = await real.unlockWithPassphrase(...args);
      if (r.ok) held.vaultKeys.push(r.value);
      return r;
    },
  };
});

vi.mock('../../../sync/vault/vault-records.ts', async (importOriginal) => {
  const real = await importOriginal<typeof VaultRecords>();
  return {
    ...real,
    deviceKeysFromSeeds: (seeds: Uint8Array) => {
      held.seeds.push(seeds);
      return real.deviceKeysFromSeeds(seeds);
    },
  };
});

const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
const allZero = (bytes: Uint8Array) => bytes.length > 0 && bytes.every((b) => b === 0);

/** How many of `secrets` still sit, byte for byte, somewhere in libsodium's wasm heap. */
function inSodiumHeap(secrets: readonly Uint8Array[]): number {
  const heap = Buffer.from((sodium() as unknown as { libsodium: { HEAPU8: Uint8Array } }).libsodium.HEAPU8.buffer);
  return secrets.filter((s) => heap.includes(Buffer.from(s))).length;
}

beforeAll(sodiumReady);

/** Opens two notebooks with a note each; returns the key arrays they hold. */
async function useVault(vault: Vault): Promise<{ name: string; bytes: Uint8Array }[]> {
  const found: { name: string; bytes: Uint8Array }[] = [];
  for (const name of ['first', 'second']) {
    const id = vault.notebooks.list().find((n) => n.name === name)?.id ?? vault.notebooks.create(name);
    const opened = await vault.notebooks.open(id);
    if (!opened.ok) throw new Error(opened.error.message);
    const nb = opened.value;
    createNote(nb.doc, { title: `a note in ${name}` });
    await nb.flush();
    const { keyId, key } = nb.shared.keyring.current();
    found.push({ name: `${name} notebook key ${keyId}`, bytes: key });
    found.push({ name: `${name}: device signing secret key`, bytes: nb.shared.self.signing.secretKey });
    found.push({ name: `${name}: device box secret key`, bytes: nb.shared.self.box.secretKey });
  }
  return found;
}

describe('no key material left after lock', () => {
  it('every key array the vault, its notebooks and Argon2id produced is zeroed by lock, after create and after unlock', async () => {
    const services: VaultServices = { storage: new MemoryStorageAdapter(), boxes: new MemoryBoxPersistence(), pwhash: FAST };
    const { vault, recoveryKey } = await createVault(services, 'correct horse');
    expect(recoveryKey.length).toBeGreaterThan(40);
    const created = await useVault(vault);
    const beforeLock = [...created, ...held.vaultKeys.map((bytes) => ({ name: 'vault key', bytes })), ...held.seeds.map((bytes) => ({ name: 'device seeds', bytes }))];
    expect(beforeLock.every(({ bytes }) => !allZero(bytes))).toBe(true);
    await vault.lock();
    const keks = held.keks.map((bytes) => ({ name: 'passphrase KEK', bytes }));
    for (const { name, bytes } of [...beforeLock, ...keks]) expect(allZero(bytes), `${name} after lock`).toBe(true);

    // Five wrong passphrases: each refused, and each KEK they derived is wiped at once.
    for (let i = 0; i < 5; i++) {
      const wrong = await unlockVault(services, { passphrase: `wrong ${i}` });
      expect(wrong.ok ? 'ok' : wrong.error.code).toBe('E_PASSPHRASE');
    }
    expect(held.keks.length).toBe(keks.length + 5);
    expect(held.keks.every(allZero)).toBe(true);

    held.vaultKeys.length = 0;
    held.seeds.length = 0;
    const again = await unlockVault(services, { passphrase: 'correct horse' });
    if (!again.ok) throw new Error(again.error.message);
    const unlocked = [...(await useVault(again.value)), ...held.vaultKeys.map((bytes) => ({ name: 'vault key (unlock)', bytes }))];
    expect(held.vaultKeys).toHaveLength(1);
    const copies = unlocked.map(({ bytes }) => bytes.slice());
    await again.value.lock();
    for (const { name, bytes } of unlocked) expect(allZero(bytes), `${name} after the second lock`).toBe(true);
    expect(held.keks.every(allZero)).toBe(true);
    // Best effort, out of our hands: libsodium.js copies keys into its wasm heap per call and
    // frees them without zeroing. Measured and printed, not asserted (PROTOCOL.md).
    const leftInHeap = unlocked.filter((_, i) => inSodiumHeap([copies[i] as Uint8Array]) > 0).map((u) => u.name);
    console.log(`[key zeroing] ${unlocked.length} key arrays held by the app, all zero after lock; still in libsodium's wasm heap: ${leftInHeap.join('; ') || 'none'}`);
  });

  it('a vault-key rotation zeroes the old vault key and the copy its passphrase check made as soon as it is done; lock zeroes the new one', async () => {
    const services: VaultServices = { storage: new MemoryStorageAdapter(), boxes: new MemoryBoxPersistence(), pwhash: FAST };
    const { vault } = await createVault(services, 'correct horse');
    await useVault(vault);
    held.vaultKeys.length = 0;
    held.newVaultKeys.length = 0;
    held.keks.length = 0;
    const unlocked = await unlockVault(services, { passphrase: 'correct horse' });
    await vault.lock();
    if (!unlocked.ok) throw new Error(unlocked.error.message);
    const [oldKey] = held.vaultKeys;
    if (!oldKey) throw new Error('no vault key seen');
    const rotated = await unlocked.value.rotation.rotate('correct horse');
    expect(rotated.ok).toBe(true);
    // The unlock's key (the vault's old key) and the rotation's check of the passphrase.
    expect(held.vaultKeys).toHaveLength(2);
    for (const [i, bytes] of held.vaultKeys.entries()) expect(allZero(bytes), `old vault key ${i} after the rotation`).toBe(true);
    expect(held.keks.every(allZero), 'every KEK (check and new wrap)').toBe(true);
    const newKey = held.newVaultKeys[held.newVaultKeys.length - 1] as Uint8Array;
    expect(allZero(newKey)).toBe(false);
    const notebookKeys = await useVault(unlocked.value);
    await unlocked.value.lock();
    expect(allZero(newKey), 'new vault key after lock').toBe(true);
    for (const { name, bytes } of notebookKeys) expect(allZero(bytes), `${name} after lock`).toBe(true);
  });
});
