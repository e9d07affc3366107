import { backupFileName } from '../../sync/backup/backup-format.ts';
import { collectBackupSource } from '../../sync/backup/backup-source.ts';
import { writeBackup, type BackupProgress, type BackupSummary } from '../../sync/backup/backup-writer.ts';
import { writePlainExport, type PlainExportSummary } from '../../sync/backup/plain-export.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import type { VaultResult } from '../../sync/vault/vault-result.ts';
import { BlobBuilder } from './backup-files.ts';
import { browserBlobStore, browserServices } from './services.ts';

/** The encrypted backup of the unlocked vault as a Blob (sync/PROTOCOL.md "Encrypted backup"). */
export async function encryptedBackup(vault: Vault, onProgress?: (progress: BackupProgress) => void): Promise<VaultResult<{ blob: Blob; name: string; summary: BackupSummary }>> {
  const source = await collectBackupSource(vault, browserServices(), browserBlobStore());
  if (!source.ok) return source;
  const out = new BlobBuilder('application/octet-stream');
  const summary = await writeBackup(source.value, (part) => out.push(part), onProgress);
  return { ok: true, value: { blob: out.finish(), name: backupFileName(new Date()), summary } };
}

/** The unencrypted zip: notes as Markdown and JSON, photos decrypted. */
export async function plainExport(vault: Vault, onProgress?: (done: number, total: number) => void): Promise<{ blob: Blob; name: string; summary: PlainExportSummary }> {
  const out = new BlobBuilder('application/zip');
  const summary = await writePlainExport(vault, browserBlobStore(), (part) => out.push(part), onProgress);
  return { blob: out.finish(), name: `obscura-export-${new Date().toISOString().slice(0, 10)}.zip`, summary };
}
