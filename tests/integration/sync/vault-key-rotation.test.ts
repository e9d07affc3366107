import { beforeAll, describe, expect, it } from 'vitest';
import { decodeVaultHeader, readEnvelopeHeader, sodiumReady, unlockWithPassphrase, utf8, type VaultKey } from '../../../crypto/index.ts';
import { bytesSource } from '../../../sync/backup/backup-reader.ts';
import { restoreBackup } from '../../../sync/backup/backup-restore.ts';
import { collectBackupSource } from '../../../sync/backup/backup-source.ts';
import { writeBackup } from '../../../sync/backup/backup-writer.ts';
import { readNote } from '../../../sync/notebook/notes.ts';
import { vaultKeyId } from '../../../sync/vault/vault-doc-sealing.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import { concat, freshDevice, makeVault, PASSPHRASE } from '../backup/backup-fixture.ts';

beforeAll(sodiumReady);

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('rotateVaultKey on the Vault (memory adapters)', () => {
  it('re-seals the device seeds and every device record under the new key; a record that does not open is left as it is', async () => {
    const { vault, services, notebookIds } = await makeVault(1);
    await vault.records.save('settings', utf8('sync servers'));
    // A kept search index is stored under a name from the old key: dropped, rebuilt at the next open.
    await vault.records.saveSearchIndex(notebookIds[0], utf8('kept index'));
    await vault.records.save('model:mobilenet', utf8('classifier bytes'));
    await services.storage.save(['device-record', 'damaged'], utf8('not sealed at all'));
    const deviceId = vault.deviceId;
    const seedsBefore = await services.storage.load(['vault', 'device']);
    const rotated = await vault.rotation.rotate(PASSPHRASE);
    expect(rotated.ok).toBe(true);
    expect(await services.storage.load(['vault', 'device'])).not.toEqual(seedsBefore);
    expect(text((await services.storage.load(['device-record', 'damaged'])) as Uint8Array)).toBe('not sealed at all');
    await expect.poll(async () => (await services.storage.loadRange(['search-index'])).length).toBe(0);
    await vault.lock();

    const again = await unlockVault(services, { passphrase: PASSPHRASE });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.deviceId).toBe(deviceId);
    const settings = await again.value.records.load('settings');
    const model = await again.value.records.load('model:mobilenet');
    expect(settings?.ok && text(settings.value)).toBe('sync servers');
    expect(model?.ok && text(model.value)).toBe('classifier bytes');
    await again.value.lock();
  });

  it('lock() while a rotation runs waits for it; the vault then opens with the same passphrase and the new recovery key, notes and all', async () => {
    const made = await makeVault(2);
    const rotating = made.vault.rotation.rotate(PASSPHRASE);
    const locking = made.vault.lock();
    const rotated = await rotating;
    await locking;
    if (!rotated.ok) throw new Error(rotated.error.message);
    expect(made.vault.locked).toBe(true);
    for (const secret of [{ passphrase: PASSPHRASE }, { recoveryKey: rotated.value.recoveryKey }]) {
      const again = await unlockVault(made.services, secret);
      if (!again.ok) throw new Error(again.error.message);
      const opened = await again.value.notebooks.open(made.notebookIds[0]);
      if (!opened.ok) throw new Error(opened.error.message);
      expect(readNote(opened.value.doc, made.noteId)?.title).toMatch(/^Harbour/);
      expect(again.value.quarantined).toBe(0);
      await again.value.lock();
    }
    const old = await unlockVault(made.services, { recoveryKey: made.recoveryKey });
    expect(old.ok ? 'opened' : old.error.code).toBe('E_RECOVERY_KEY');
  });

  it('the vault box keeps no envelope under the old key, and a backup made after the rotation restores whole', async () => {
    const made = await makeVault(3);
    const oldKeyId = vaultKeyId(await keyOf(made), made.vault.vaultId);
    const rotated = await made.vault.rotation.rotate(PASSPHRASE);
    if (!rotated.ok) throw new Error(rotated.error.message);
    const box = made.vault.replicas.vault().box;
    const keyIds = [...box.getMap<Uint8Array>('entries').values(), ...box.getMap<Uint8Array>('snapshots').values()].map((v) => {
      const header = readEnvelopeHeader(v);
      return header.ok ? header.value.keyId : 'unreadable';
    });
    expect(keyIds.length).toBeGreaterThan(0);
    expect(keyIds).not.toContain(oldKeyId);
    expect(new Set(keyIds).size).toBe(1);

    const source = await collectBackupSource(made.vault, made.services, made.blobs);
    if (!source.ok) throw new Error(source.error.message);
    const parts: Uint8Array[] = [];
    await writeBackup(source.value, (part) => void parts.push(part.slice()));
    await made.vault.lock();
    const device = freshDevice();
    const restored = await restoreBackup(device.services, device.blobs, bytesSource(concat(parts)), { recoveryKey: rotated.value.recoveryKey });
    expect(restored).toMatchObject({ ok: true, value: { notebooks: 2, blobs: 2 } });
    const again = await unlockVault(device.services, { passphrase: PASSPHRASE });
    if (!again.ok) throw new Error(again.error.message);
    const opened = await again.value.notebooks.open(made.notebookIds[0]);
    if (!opened.ok) throw new Error(opened.error.message);
    expect(readNote(opened.value.doc, made.noteId)?.title).toMatch(/^Harbour/);
    await again.value.lock();
  });
});

/** The vault key the made vault holds, as unlocking its stored header gives it (a second copy). */
async function keyOf(made: Awaited<ReturnType<typeof makeVault>>): Promise<VaultKey> {
  const header = decodeVaultHeader((await made.services.storage.load(['vault', 'header'])) as Uint8Array);
  if (!header.ok) throw new Error('no header');
  const key = await unlockWithPassphrase(header.value, PASSPHRASE);
  if (!key.ok) throw new Error('no key');
  return key.value;
}
