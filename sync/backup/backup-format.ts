import { concatBytes, toHex, u32be, utf8, type CodedError, type Result } from '../../crypto/index.ts';

/**
 * The encrypted backup file (sync/PROTOCOL.md "Encrypted backup"): a magic, a version and
 * sections, each `type u8 ‖ idLen u8 ‖ id ‖ dataLen u32be ‖ data ‖ hash[32]`, where hash is
 * BLAKE2b-256 over every byte of the section before it. The END section's data is the
 * section count (u32be) and BLAKE2b-256 over all earlier section hashes, so a section that
 * is dropped, repeated or moved is caught even though each one hashes alone; in format 2 the
 * seal follows (crypto/backup-seal.ts), a MAC under a subkey of the vault key over count and chain,
 * so that only a key holder can make a file whose hashes check out. Every data byte is
 * ciphertext already stored on the device.
 */
export const BACKUP_MAGIC = utf8('OBSCBKUP');
/** What writeBackup writes. */
export const BACKUP_VERSION = 2;
/** Format 1 (no seal) is still read; restoring it needs the person's consent (E_BACKUP_UNSEALED). */
export const UNSEALED_BACKUP_VERSION = 1;
/** Magic, version u16be, reserved u16be (0). */
export const BACKUP_PREAMBLE_BYTES = BACKUP_MAGIC.length + 4;
export const SECTION_HASH_BYTES = 32;

export const SECTION = {
  /** encodeVaultHeader bytes: the vault key wrapped by passphrase and by recovery key. */
  header: 1,
  /** The vault doc's box (Y update of sealed envelopes). */
  vaultBox: 2,
  /**
   * The device seeds record as stored (sealed under the vault key, vault-records.ts). The
   * restored device writes as the backed-up device: notebook member lists name that device,
   * and a new device could only be added by a member device that may be gone for good.
   */
  deviceKeys: 5,
  /** A notebook's box; id = the notebook's room id (deriveRoomId), which relays already see. */
  notebookBox: 3,
  /** A blob's ciphertext; id = its address (hex BLAKE2b-256 of the ciphertext). */
  blob: 4,
  end: 0xff,
} as const;
export type SectionType = (typeof SECTION)[keyof typeof SECTION];

export type BackupErrorCode =
  | 'E_BACKUP_FORMAT'
  | 'E_BACKUP_VERSION'
  | 'E_BACKUP_TRUNCATED'
  | 'E_BACKUP_HASH'
  | 'E_BACKUP_MISMATCH'
  | 'E_BACKUP_AUTH'
  | 'E_BACKUP_UNSEALED';
export type BackupError = CodedError<BackupErrorCode>;
export type BackupResult<T> = Result<T, BackupErrorCode>;

export function backupFail(code: BackupErrorCode, message: string): { ok: false; error: BackupError } {
  return { ok: false, error: { code, message } };
}

export function preamble(version: number = BACKUP_VERSION): Uint8Array {
  const out = new Uint8Array(BACKUP_PREAMBLE_BYTES);
  out.set(BACKUP_MAGIC, 0);
  new DataView(out.buffer).setUint16(BACKUP_MAGIC.length, version);
  return out;
}

/** Ids are ASCII (room ids are base64url, blob ids hex), at most 255 bytes. */
const SECTION_ID = /^[A-Za-z0-9_-]{0,255}$/;

export function sectionPrefix(type: SectionType, id: string, dataLength: number): Uint8Array {
  if (!SECTION_ID.test(id)) throw new Error(`backup section id is not ASCII base64url/hex: ${id}`);
  if (!Number.isSafeInteger(dataLength) || dataLength < 0 || dataLength > 0xffffffff) throw new Error(`backup section too large: ${dataLength}`);
  return concatBytes(Uint8Array.of(type, id.length), utf8(id), u32be(dataLength));
}

export function isSectionType(value: number): value is SectionType {
  return (Object.values(SECTION) as number[]).includes(value);
}

export function isSectionId(id: string): boolean {
  return SECTION_ID.test(id);
}

/** END data: count u32be ‖ BLAKE2b-256 over the concatenated section hashes ‖ (format 2) the seal. */
export function endData(count: number, chain: Uint8Array, seal: Uint8Array): Uint8Array {
  if (chain.length !== SECTION_HASH_BYTES || seal.length !== SEAL_BYTES) throw new Error('backup chain hash or seal is not 32 bytes');
  return concatBytes(u32be(count), chain, seal);
}

/** Where vault-records.ts keeps the sealed device seeds (its DEVICE_KEY). */
export const DEVICE_RECORD_KEY = ['vault', 'device'] as const;

export const SEAL_BYTES = 32;
/** END data length by format version: format 1 has no seal. */
export const endDataBytes = (version: number): number => 4 + SECTION_HASH_BYTES + (version === UNSEALED_BACKUP_VERSION ? 0 : SEAL_BYTES);

export function hexOf(bytes: Uint8Array): string {
  return toHex(bytes);
}

/** `obscura-backup-2026-11-24.obscura` for a date (UTC). */
export function backupFileName(now: Date): string {
  return `obscura-backup-${now.toISOString().slice(0, 10)}.obscura`;
}
