import { createContentHasher, fromHex } from '../../crypto/index.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import { BACKUP_VERSION, endData, endDataBytes, preamble, SECTION, sectionPrefix, type SectionType } from './backup-format.ts';

/** Everything a backup holds, all of it ciphertext as stored (backup-source.ts collects it). */
export interface BackupSource {
  /** encodeVaultHeader bytes. */
  readonly header: Uint8Array;
  readonly vaultBox: Uint8Array;
  /** The sealed device seeds record; without it a restore makes new device keys. */
  readonly deviceKeys?: Uint8Array;
  readonly notebooks: readonly { readonly roomId: string; readonly box: Uint8Array }[];
  /** Blobs the notes refer to; those not on this device are left out and reported. */
  readonly blobIds: readonly string[];
  readonly blobs: Pick<BlobStore, 'stat' | 'readPiece'>;
  /** The seal over the section count and chain hash (crypto/backup-seal.ts), made by the unlocked vault. */
  readonly seal: (count: number, chain: Uint8Array) => Uint8Array;
}

export interface BackupProgress {
  readonly done: number;
  readonly total: number;
}

export interface BackupSummary {
  readonly bytes: number;
  readonly sections: number;
  readonly blobs: number;
  /** Referenced by a note but not on this device (not synced yet): not in the backup. */
  readonly missingBlobs: readonly string[];
}

/**
 * Writes the backup (backup-format.ts) part by part into `sink`: a blob goes piece by
 * piece as BlobStore keeps it, so the caller can hand the parts to a Blob and never hold
 * the photos twice.
 */
export async function writeBackup(
  source: BackupSource,
  sink: (part: Uint8Array) => void | Promise<void>,
  onProgress?: (progress: BackupProgress) => void,
): Promise<BackupSummary> {
  const chain = createContentHasher();
  let bytes = 0;
  let sections = 0;
  const emit = async (part: Uint8Array) => {
    bytes += part.length;
    await sink(part);
  };
  const section = async (type: SectionType, id: string, length: number, parts: () => AsyncIterable<Uint8Array>) => {
    const hasher = createContentHasher();
    const prefix = sectionPrefix(type, id, length);
    hasher.update(prefix);
    await emit(prefix);
    let written = 0;
    for await (const part of parts()) {
      hasher.update(part);
      written += part.length;
      await emit(part);
    }
    if (written !== length) throw new Error(`backup section ${type}/${id}: ${written} bytes, announced ${length}`);
    const hash = hashBytes(hasher.digest());
    // The END section carries the chain; it is not part of it.
    if (type !== SECTION.end) chain.update(hash);
    sections++;
    await emit(hash);
  };
  const whole = (data: Uint8Array) => async function* () {
    yield data;
  };

  const blobIds = [...new Set(source.blobIds)];
  const total = 2 + source.notebooks.length + blobIds.length;
  let done = 0;
  const step = () => onProgress?.({ done: ++done, total });

  await emit(preamble());
  await section(SECTION.header, '', source.header.length, whole(source.header));
  step();
  await section(SECTION.vaultBox, '', source.vaultBox.length, whole(source.vaultBox));
  step();
  if (source.deviceKeys) await section(SECTION.deviceKeys, '', source.deviceKeys.length, whole(source.deviceKeys));
  for (const notebook of source.notebooks) {
    await section(SECTION.notebookBox, notebook.roomId, notebook.box.length, whole(notebook.box));
    step();
  }
  const missingBlobs: string[] = [];
  let blobs = 0;
  for (const id of blobIds) {
    const stat = await source.blobs.stat(id);
    if (!stat) {
      missingBlobs.push(id);
      step();
      continue;
    }
    await section(SECTION.blob, id, stat.size, async function* () {
      for (let i = 0; i < stat.pieces; i++) {
        const piece = await source.blobs.readPiece(id, i);
        if (!piece) throw new Error(`blob ${id} lost piece ${i} while being backed up`);
        yield piece;
      }
    });
    blobs++;
    step();
  }
  const chained = hashBytes(chain.digest());
  await section(SECTION.end, '', endDataBytes(BACKUP_VERSION), whole(endData(sections, chained, source.seal(sections, chained))));
  return { bytes, sections: sections - 1, blobs, missingBlobs };
}

function hashBytes(hex: string): Uint8Array {
  const bytes = fromHex(hex);
  if (!bytes.ok) throw new Error('content hasher returned non-hex');
  return bytes.value;
}
