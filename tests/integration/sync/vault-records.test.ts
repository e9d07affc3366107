import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, lengthPrefixed, openAead, randomBytes, randomVaultKey, sealAead, sodiumReady, utf8 } from '../../../crypto/index.ts';
import { loadDeviceRecord, saveDeviceRecord } from '../../../sync/vault/device-record.ts';
import { DEVICE_KEY, loadDeviceKeys, saveDeviceSeeds } from '../../../sync/vault/vault-records.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';

beforeAll(sodiumReady);

/**
 * Issue 12 §7: the vault key was used both as an AEAD key (device seeds, device records) and as
 * a hash key (deriveId). Records are now sealed under subkeys; records written before still open.
 */
describe('device seeds and device records under the vault key', () => {
  it('are written as 0x02 under a subkey (the vault key itself does not open them), and records written before still open', async () => {
    const storage = new MemoryStorageAdapter();
    const key = randomVaultKey();
    const seeds = randomBytes(64);
    await saveDeviceSeeds(storage, key, 'vault-1', seeds);
    await saveDeviceRecord(storage, key, 'vault-1', 'settings', utf8('s'));
    for (const stored of [await storage.load(DEVICE_KEY), await storage.load(['device-record', 'settings'])]) {
      expect(stored?.[0]).toBe(0x02);
      expect(openAead(key, stored?.subarray(1) ?? new Uint8Array(), new Uint8Array()).ok).toBe(false);
    }
    expect((await loadDeviceKeys(storage, key, 'vault-1'))?.ok).toBe(true);
    expect((await loadDeviceRecord(storage, key, 'vault-1', 'settings'))).toEqual({ ok: true, value: utf8('s') });

    // As the code before wrote them: the vault key as the AEAD key, no version byte.
    const legacy = new MemoryStorageAdapter();
    await legacy.save(DEVICE_KEY, sealAead(key, seeds, concatBytes(lengthPrefixed(utf8('obscura/device-keys/v1')), lengthPrefixed(utf8('vault-1')))));
    await legacy.save(['device-record', 'settings'], sealAead(key, utf8('old'), concatBytes(lengthPrefixed(utf8('obscura/device-record/v1')), lengthPrefixed(utf8('vault-1')), lengthPrefixed(utf8('settings')))));
    expect((await loadDeviceKeys(legacy, key, 'vault-1'))?.ok).toBe(true);
    expect(await loadDeviceRecord(legacy, key, 'vault-1', 'settings')).toEqual({ ok: true, value: utf8('old') });
  });
});
