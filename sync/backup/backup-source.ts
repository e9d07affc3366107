import * as Y from 'yjs';
import { encodeVaultHeader } from '../../crypto/index.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import { notesMap } from '../notebook/notes.ts';
import { readNotePhoto } from '../notebook/photos.ts';
import { loadVaultHeader } from '../vault/vault-records.ts';
import type { Vault } from '../vault/vault.ts';
import type { VaultResult } from '../vault/vault-result.ts';
import type { VaultServices } from '../vault/vault-services.ts';
import { DEVICE_RECORD_KEY } from './backup-format.ts';
import type { BackupSource } from './backup-writer.ts';

/**
 * What an unlocked vault backs up: its stored header, its box and every notebook's box as
 * Y updates of the sealed envelopes (no plain doc is encoded), and the blobs its notes point
 * to. Notebooks are opened only to read which blobs those are.
 */
export async function collectBackupSource(vault: Vault, services: VaultServices, blobs: BlobStore): Promise<VaultResult<BackupSource>> {
  await vault.flush();
  const header = await loadVaultHeader(services.storage);
  if (!header) return { ok: false, error: { code: 'E_NO_VAULT', message: 'There is no vault on this device.' } };
  if (!header.ok) return header;
  const notebooks: { roomId: string; box: Uint8Array }[] = [];
  const blobIds: string[] = [];
  for (const { id } of vault.notebooks.list()) {
    const opened = await vault.notebooks.open(id);
    if (opened.ok) {
      for (const noteId of notesMap(opened.value.doc).keys()) {
        const photo = readNotePhoto(opened.value.doc, noteId);
        if (photo) blobIds.push(photo.blobId, photo.thumbBlobId);
      }
      await opened.value.flush();
    }
    const replica = await vault.replicas.notebook(id);
    if (replica) notebooks.push({ roomId: replica.roomId, box: Y.encodeStateAsUpdate(replica.box) });
  }
  await vault.flush();
  const deviceKeys = await services.storage.load(DEVICE_RECORD_KEY);
  return {
    ok: true,
    value: {
      header: encodeVaultHeader(header.value),
      ...(deviceKeys && { deviceKeys }),
      vaultBox: Y.encodeStateAsUpdate(vault.replicas.vault().box),
      notebooks,
      blobIds,
      blobs,
      seal: (count, chain) => vault.secrets.sealBackup(count, chain),
    },
  };
}
