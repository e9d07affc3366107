import { bytesEqual, createContentHasher, fromHex, readU32be } from '../../crypto/index.ts';
import { isBlobSize } from '../blob/blob-layout.ts';
import {
  BACKUP_MAGIC,
  BACKUP_PREAMBLE_BYTES,
  BACKUP_VERSION,
  backupFail,
  endDataBytes,
  isSectionType,
  SECTION,
  SECTION_HASH_BYTES,
  UNSEALED_BACKUP_VERSION,
  type BackupResult,
  type SectionType,
} from './backup-format.ts';

/** Random access to the file's bytes (a File through slice(), or bytes in memory). */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

/** Where one section's data sits in the file. */
export interface SectionRef {
  readonly type: SectionType;
  readonly id: string;
  readonly offset: number;
  readonly length: number;
}

/** What the END marker of a format-2 file holds: the section count and chain hash, and the seal over them. */
export interface BackupSealed {
  readonly count: number;
  readonly chain: Uint8Array;
  readonly seal: Uint8Array;
}

export interface BackupIndex {
  /** Absent for a format-1 file, which has no seal: nothing proves who made it. */
  readonly sealed?: BackupSealed;
  readonly header: Uint8Array;
  readonly vaultBox: SectionRef;
  readonly deviceKeys?: Uint8Array;
  readonly notebooks: readonly SectionRef[];
  readonly blobs: readonly SectionRef[];
}

const READ_SLICE = 1 << 20;
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_DEVICE_KEYS_BYTES = 1024;
const ROOM_ID = /^[A-Za-z0-9_-]{43}$/;
const BLOB_ID = /^[0-9a-f]{64}$/;

/**
 * Reads the whole file once, checking every section's hash, the END section's count and
 * chain hash, and the order and shape of sections; nothing is decrypted or written. The
 * seal (format 2) needs the vault key, so the restore checks it once the secret is typed. Only a
 * file that passes is restored (backup-restore.ts), so a damaged one leaves the device as it was.
 */
export async function scanBackup(file: ByteSource, onProgress?: (read: number, size: number) => void): Promise<BackupResult<BackupIndex>> {
  if (file.size < BACKUP_PREAMBLE_BYTES) {
    const head = await file.read(0, file.size);
    return bytesEqual(head, BACKUP_MAGIC.subarray(0, head.length)) && head.length > 0
      ? backupFail('E_BACKUP_TRUNCATED', 'The file ends before its header.')
      : backupFail('E_BACKUP_FORMAT', 'This is not an Obscura backup file.');
  }
  const pre = await file.read(0, BACKUP_PREAMBLE_BYTES);
  if (!bytesEqual(pre.subarray(0, BACKUP_MAGIC.length), BACKUP_MAGIC)) return backupFail('E_BACKUP_FORMAT', 'This is not an Obscura backup file.');
  const view = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  const version = view.getUint16(BACKUP_MAGIC.length);
  if (version !== BACKUP_VERSION && version !== UNSEALED_BACKUP_VERSION) {
    return backupFail('E_BACKUP_VERSION', `Backup format version ${version}; this app reads versions ${UNSEALED_BACKUP_VERSION} and ${BACKUP_VERSION}.`);
  }
  if (view.getUint16(BACKUP_MAGIC.length + 2) !== 0) return backupFail('E_BACKUP_FORMAT', 'Reserved header bits are set.');

  const chain = createContentHasher();
  let offset = BACKUP_PREAMBLE_BYTES;
  let header: Uint8Array | undefined;
  let vaultBox: SectionRef | undefined;
  let deviceKeys: Uint8Array | undefined;
  let sealed: BackupSealed | undefined;
  const notebooks: SectionRef[] = [];
  const blobs: SectionRef[] = [];
  const seen = new Set<string>();
  let count = 0;

  for (;;) {
    if (offset + 2 > file.size) return backupFail('E_BACKUP_TRUNCATED', `The file ends after ${count} sections, before its end marker.`);
    const [type = 0, idLength = 0] = await file.read(offset, 2);
    if (!isSectionType(type)) return backupFail('E_BACKUP_FORMAT', `Unknown section type ${type} at byte ${offset}.`);
    if (offset + 2 + idLength + 4 > file.size) return backupFail('E_BACKUP_TRUNCATED', `The file ends inside section ${count + 1}.`);
    const prefix = await file.read(offset, 2 + idLength + 4);
    const id = String.fromCharCode(...prefix.subarray(2, 2 + idLength));
    const length = readU32be(prefix, 2 + idLength);
    const dataOffset = offset + prefix.length;
    if (dataOffset + length + SECTION_HASH_BYTES > file.size) return backupFail('E_BACKUP_TRUNCATED', `The file ends inside section ${count + 1}.`);

    const hasher = createContentHasher();
    hasher.update(prefix);
    for (let at = 0; at < length; at += READ_SLICE) hasher.update(await file.read(dataOffset + at, Math.min(READ_SLICE, length - at)));
    const stored = await file.read(dataOffset + length, SECTION_HASH_BYTES);
    const actual = fromHex(hasher.digest());
    if (!actual.ok || !bytesEqual(actual.value, stored)) return backupFail('E_BACKUP_HASH', `Section ${count + 1} (at byte ${offset}) is damaged: its hash does not match.`);
    offset = dataOffset + length + SECTION_HASH_BYTES;
    onProgress?.(offset, file.size);

    const ref: SectionRef = { type, id, offset: dataOffset, length };
    const shape = checkShape(ref, count, seen, endDataBytes(version));
    if (shape) return backupFail('E_BACKUP_FORMAT', shape);
    if (type === SECTION.end) {
      const data = await file.read(dataOffset, length);
      const chained = fromHex(chain.digest());
      if (readU32be(data, 0) !== count || !chained.ok || !bytesEqual(chained.value, data.subarray(4, 4 + SECTION_HASH_BYTES))) {
        return backupFail('E_BACKUP_HASH', 'Sections were removed, repeated or reordered: the end marker does not match them.');
      }
      if (offset !== file.size) return backupFail('E_BACKUP_FORMAT', `${file.size - offset} bytes follow the end marker.`);
      if (version === BACKUP_VERSION) sealed = { count, chain: chained.value.slice(), seal: data.slice(4 + SECTION_HASH_BYTES) };
      break;
    }
    chain.update(stored);
    count++;
    if (type === SECTION.header) header = await file.read(dataOffset, length);
    else if (type === SECTION.vaultBox) vaultBox = ref;
    else if (type === SECTION.deviceKeys) deviceKeys = (await file.read(dataOffset, length)).slice();
    else if (type === SECTION.notebookBox) notebooks.push(ref);
    else blobs.push(ref);
  }
  if (!header || !vaultBox) return backupFail('E_BACKUP_FORMAT', 'The backup has no vault header or no vault.');
  return { ok: true, value: { ...(sealed && { sealed }), header: header.slice(), vaultBox, ...(deviceKeys && { deviceKeys }), notebooks, blobs } };
}

/** Why a section is out of place or misshapen, or undefined if it fits. */
function checkShape(ref: SectionRef, index: number, seen: Set<string>, endBytes: number): string | undefined {
  const key = `${ref.type}/${ref.id}`;
  if (seen.has(key)) return `Section ${key} appears twice.`;
  seen.add(key);
  switch (ref.type) {
    case SECTION.header:
      return index === 0 && ref.id === '' && ref.length > 0 && ref.length <= MAX_HEADER_BYTES ? undefined : 'The vault header section is misplaced or misshapen.';
    case SECTION.vaultBox:
      return index === 1 && ref.id === '' ? undefined : 'The vault section is misplaced or misshapen.';
    case SECTION.deviceKeys:
      return index === 2 && ref.id === '' && ref.length <= MAX_DEVICE_KEYS_BYTES ? undefined : 'The device keys section is misplaced or misshapen.';
    case SECTION.notebookBox:
      return index >= 2 && ROOM_ID.test(ref.id) ? undefined : `Notebook section ${ref.id} is misplaced or misshapen.`;
    case SECTION.blob:
      return index >= 2 && BLOB_ID.test(ref.id) && isBlobSize(ref.length) ? undefined : `Photo section ${ref.id} is misplaced or misshapen.`;
    case SECTION.end:
      return index >= 2 && ref.id === '' && ref.length === endBytes ? undefined : 'The end marker is misplaced or misshapen.';
  }
}
