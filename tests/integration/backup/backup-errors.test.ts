import { beforeAll, describe, expect, it } from 'vitest';
import { decodeVaultHeader, sodiumReady, unlockWithPassphrase } from '../../../crypto/index.ts';
import { BACKUP_PREAMBLE_BYTES } from '../../../sync/backup/backup-format.ts';
import { bytesSource, scanBackup } from '../../../sync/backup/backup-reader.ts';
import { restoreBackup } from '../../../sync/backup/backup-restore.ts';
import { sealBackup } from '../../../crypto/index.ts';
import { writeBackup } from '../../../sync/backup/backup-writer.ts';
import { StorageFullError } from '../../../sync/storage/storage-adapter.ts';
import { hasVault } from '../../../sync/vault/vault-services.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { concat, freshDevice, makeBackup, PASSPHRASE, type Made } from './backup-fixture.ts';

const seed = testSeed();
const random = seededRandom(seed);
let made: Made;

beforeAll(async () => {
  await sodiumReady();
  console.log(`[backup errors] seed ${seed} (replay with OBSCURA_SEED=${seed})`);
  made = await makeBackup(seed);
});

/** Restores `bytes` into a fresh device and checks the code and that nothing was written. */
async function refused(bytes: Uint8Array, code: string, secret: { passphrase: string } | { recoveryKey: string } = { passphrase: PASSPHRASE }) {
  const device = freshDevice();
  const result = await restoreBackup(device.services, device.blobs, bytesSource(bytes), secret);
  expect(result).toMatchObject({ ok: false, error: { code } });
  expect(await hasVault(device.services)).toBe(false);
  expect(device.services.boxes.stored.size).toBe(0);
  expect(await device.services.storage.loadRange(['blob'])).toEqual([]);
}

describe('encrypted backup errors (nothing is written)', () => {
  it('E_BACKUP_FORMAT: not a backup (another file, a changed magic, bytes after the end)', async () => {
    await refused(new TextEncoder().encode('PK\u0003\u0004 this is a zip file, not a backup'), 'E_BACKUP_FORMAT');
    const magic = made.bytes.slice();
    magic[0] ^= 0x20;
    await refused(magic, 'E_BACKUP_FORMAT');
    await refused(concat([made.bytes, Uint8Array.of(0)]), 'E_BACKUP_FORMAT');
  });

  it('E_BACKUP_VERSION: a newer format version', async () => {
    const newer = made.bytes.slice();
    newer[BACKUP_PREAMBLE_BYTES - 3] = 3;
    await refused(newer, 'E_BACKUP_VERSION');
  });

  it('E_BACKUP_TRUNCATED: the file cut anywhere (seeded positions, and right before the end marker)', async () => {
    const cuts = [3, BACKUP_PREAMBLE_BYTES, made.bytes.length - 1, made.bytes.length - 70];
    for (let i = 0; i < 6; i++) cuts.push(BACKUP_PREAMBLE_BYTES + 1 + Math.floor(random() * (made.bytes.length - BACKUP_PREAMBLE_BYTES - 2)));
    for (const cut of cuts) {
      const scanned = await scanBackup(bytesSource(made.bytes.subarray(0, cut)));
      expect(scanned.ok, `cut at ${cut}`).toBe(false);
      if (!scanned.ok) expect([cut, scanned.error.code]).toEqual([cut, 'E_BACKUP_TRUNCATED']);
    }
    await refused(made.bytes.subarray(0, made.bytes.length - 100), 'E_BACKUP_TRUNCATED');
  });

  it('E_BACKUP_HASH: a flipped byte in any section data (seeded positions)', async () => {
    // Data bytes of the blob sections (the bulk of the file) and of the header section.
    for (let i = 0; i < 6; i++) {
      const at = BACKUP_PREAMBLE_BYTES + 10 + Math.floor(random() * (made.bytes.length - BACKUP_PREAMBLE_BYTES - 200));
      const flipped = made.bytes.slice();
      flipped[at] ^= 1;
      const scanned = await scanBackup(bytesSource(flipped));
      expect(scanned.ok, `flip at ${at}`).toBe(false);
      // A flip in a length or type byte reads as another shape; in data, as a bad hash.
      if (!scanned.ok) expect(['E_BACKUP_HASH', 'E_BACKUP_TRUNCATED', 'E_BACKUP_FORMAT']).toContain(scanned.error.code);
    }
    const flipped = made.bytes.slice();
    flipped[BACKUP_PREAMBLE_BYTES + 20] ^= 1;
    await refused(flipped, 'E_BACKUP_HASH');
  });

  it('E_BACKUP_HASH: a section dropped with its hash is caught by the end marker', async () => {
    const scanned = await scanBackup(bytesSource(made.bytes));
    if (!scanned.ok) throw new Error(scanned.error.code);
    const blob = scanned.value.blobs[0];
    if (!blob) throw new Error('no blob section');
    const start = blob.offset - (2 + blob.id.length + 4);
    const end = blob.offset + blob.length + 32;
    await refused(concat([made.bytes.subarray(0, start), made.bytes.subarray(end)]), 'E_BACKUP_HASH');
  });

  it('E_PASSPHRASE and E_RECOVERY_KEY: the wrong secret opens nothing', async () => {
    await refused(made.bytes, 'E_PASSPHRASE', { passphrase: 'not the passphrase' });
    await refused(made.bytes, 'E_RECOVERY_KEY', { recoveryKey: 'AAAA-BBBB' });
  });

  it('E_BACKUP_MISMATCH: a notebook box that belongs to no notebook of the vault (hashes recomputed, sealed by a holder of the vault key)', async () => {
    const scanned = await scanBackup(bytesSource(made.bytes));
    if (!scanned.ok) throw new Error(scanned.error.code);
    const header = decodeVaultHeader(scanned.value.header);
    if (!header.ok) throw new Error(header.error.code);
    const key = await unlockWithPassphrase(header.value, PASSPHRASE);
    if (!key.ok) throw new Error(key.error.code);
    const read = (ref: { offset: number; length: number }) => made.bytes.slice(ref.offset, ref.offset + ref.length);
    const parts: Uint8Array[] = [];
    await writeBackup(
      {
        header: scanned.value.header,
        vaultBox: read(scanned.value.vaultBox),
        notebooks: [...scanned.value.notebooks.map((ref) => ({ roomId: ref.id, box: read(ref) })), { roomId: 'A'.repeat(43), box: read(scanned.value.notebooks[0] ?? scanned.value.vaultBox) }],
        blobIds: [],
        blobs: { stat: async () => undefined, readPiece: async () => undefined },
        seal: (count, chain) => sealBackup(key.value, count, chain),
      },
      (part) => void parts.push(part.slice()),
    );
    await refused(concat(parts), 'E_BACKUP_MISMATCH');
  });

  it('E_STORAGE_FULL: the disk fills during the restore; no vault, no box and no blob is left', async () => {
    const device = freshDevice();
    const save = device.services.storage.save.bind(device.services.storage);
    let writes = 0;
    device.services.storage.save = async (key, data) => {
      if (key[0] === 'blob-chunk' && ++writes > 3) throw new StorageFullError();
      return save(key, data);
    };
    const result = await restoreBackup(device.services, device.blobs, bytesSource(made.bytes), { passphrase: PASSPHRASE });
    expect(result).toMatchObject({ ok: false, error: { code: 'E_STORAGE_FULL' } });
    expect(await hasVault(device.services)).toBe(false);
    expect(device.services.boxes.stored.size).toBe(0);
    expect(await device.services.storage.loadRange(['blob'])).toEqual([]);
    expect(await device.services.storage.loadRange(['blob-chunk'])).toEqual([]);
  });
});
