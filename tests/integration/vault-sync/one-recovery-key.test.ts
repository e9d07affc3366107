import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../sync/backup/backup-reader.ts';
import { restoreBackup } from '../../../sync/backup/backup-restore.ts';
import { collectBackupSource } from '../../../sync/backup/backup-source.ts';
import { writeBackup } from '../../../sync/backup/backup-writer.ts';
import { BlobStore } from '../../../sync/blob/blob-store.ts';
import { concat, freshDevice } from '../backup/backup-fixture.ts';
import { beginDeviceLink, linkDevice } from '../../../sync/vault/link-device.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { Vault } from '../../../sync/vault/vault.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { memoryServices, must, PASS, relayOnly, startDevice, type Device } from './vault-sync-harness.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

/** Resolves once `vault`'s header holds version `version` of the vault's recovery key. */
function adopted(vault: Vault, version: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const state = vault.secrets.recoveryKeyState();
      return state.shared && state.version === version && state.here;
    };
    if (check()) return resolve();
    const timer = setTimeout(() => (off(), reject(new Error(`timed out: ${what}`))), 20_000);
    const onUpdate = () => check() && (off(), clearTimeout(timer), resolve());
    // The header is stored after the doc update, so follow both.
    const offHeader = vault.secrets.onHeaderChange(onUpdate);
    const off = () => (offHeader(), vault.doc.off('update', onUpdate));
    vault.doc.on('update', onUpdate);
  });
}

describe('one recovery key per vault (vault doc, through the relay)', () => {
  it('the key made with the vault opens a linked device; a new key made there replaces it on the first, and an old device offline meanwhile adopts it without bringing the old one back', async () => {
    const aServices = memoryServices();
    const made = await createVault(aServices, PASS);
    const firstKey = made.recoveryKey;
    let a: Device | undefined = await startDevice(made.vault, aServices, relayOnly(relay.relayUrl), 'laptop');
    const bServices = memoryServices();
    const request = beginDeviceLink(ORIGIN);
    const linked = must(await linkDevice(bServices, { responseLink: must(a.vault.devices.answerLink(request.link, ORIGIN)).link, pending: request.pending, passphrase: 'phone pass' }));
    let b: Device | undefined = await startDevice(linked.vault, bServices, relayOnly(relay.relayUrl), 'phone');
    try {
      await adopted(b.vault, 1, 'B adopts the vault recovery key');
      await b.close();
      b = undefined;
      const bOpened = must(await unlockVault(bServices, { recoveryKey: firstKey }));
      b = await startDevice(bOpened, bServices, relayOnly(relay.relayUrl), 'phone');

      // A goes offline (locked); B makes a new key meanwhile.
      await a.close();
      a = undefined;
      const secondKey = must(await b.vault.secrets.regenerateRecoveryKey());
      await b.vault.flush();
      expect((await unlockVault(bServices, { recoveryKey: firstKey })).ok).toBe(false);

      // A comes back with the old key in its header and its doc: it adopts the new one.
      const aOpened = must(await unlockVault(aServices, { recoveryKey: firstKey }));
      a = await startDevice(aOpened, aServices, relayOnly(relay.relayUrl), 'laptop');
      await adopted(a.vault, 2, 'A adopts the new key');
      await adopted(b.vault, 2, 'B keeps the new key');
      await a.close();
      a = undefined;
      const oldOnA = await unlockVault(aServices, { recoveryKey: firstKey });
      expect(!oldOnA.ok && oldOnA.error.code).toBe('E_RECOVERY_KEY');
      const newOnA = must(await unlockVault(aServices, { recoveryKey: secondKey }));
      await newOnA.lock();
    } finally {
      await a?.close();
      await b?.close();
    }
  });

  it('a backup made on a linked device once it synced restores with the key saved when the vault was made', async () => {
    const aServices = memoryServices();
    const made = await createVault(aServices, PASS);
    const a = await startDevice(made.vault, aServices, relayOnly(relay.relayUrl), 'laptop');
    const bServices = memoryServices();
    const request = beginDeviceLink(ORIGIN);
    const linked = must(await linkDevice(bServices, { responseLink: must(a.vault.devices.answerLink(request.link, ORIGIN)).link, pending: request.pending, passphrase: 'phone pass' }));
    const b = await startDevice(linked.vault, bServices, relayOnly(relay.relayUrl), 'phone');
    try {
      await adopted(b.vault, 1, 'B adopts the vault recovery key');
      const source = must(await collectBackupSource(b.vault, bServices, new BlobStore(bServices.storage)));
      const parts: Uint8Array[] = [];
      await writeBackup(source, (part) => void parts.push(part.slice()));
      const device = freshDevice();
      const restored = await restoreBackup(device.services, device.blobs, bytesSource(concat(parts)), { recoveryKey: made.recoveryKey });
      expect(restored.ok).toBe(true);
      const opened = must(await unlockVault(device.services, { recoveryKey: made.recoveryKey }));
      expect(opened.vaultId).toBe(made.vault.vaultId);
      await opened.lock();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a vault-key rotation makes its new recovery key the vault\'s, so no device adopts a wrap of the old vault key', async () => {
    const services = memoryServices();
    const made = await createVault(services, PASS);
    const before = made.vault.secrets.recoveryKeyState();
    expect(before).toMatchObject({ shared: true, version: 1, here: true });
    const rotated = must(await made.vault.rotation.rotate(PASS));
    expect(made.vault.secrets.recoveryKeyState()).toMatchObject({ shared: true, version: 2, here: true });
    await made.vault.lock();
    expect((await unlockVault(services, { recoveryKey: made.recoveryKey })).ok).toBe(false);
    const reopened = must(await unlockVault(services, { recoveryKey: rotated.recoveryKey }));
    expect(reopened.secrets.recoveryKeyState()).toMatchObject({ shared: true, version: 2, here: true });
    await reopened.lock();
  });
});
