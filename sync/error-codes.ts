/**
 * sync/'s own error codes, in the order of the sync/ERRORS.md tables. crypto/'s codes pass
 * through sync unchanged and are not repeated here (crypto/result.ts lists them); the app joins
 * both with ml/'s in src/app/error-code.ts. A code typed anywhere in sync/ that is in neither
 * list fails tests/unit/errors/error-registry.test.ts.
 */
export const SYNC_ERROR_CODES = [
  // Box entries (sync/sealed, sync/notebook), vault, blobs, storage.
  'E_ENTRY_KEY',
  'E_ENTRY_VALUE',
  'E_SIGNER',
  'E_PAYLOAD',
  'E_UPDATE',
  'E_NO_VAULT',
  'E_NOTEBOOK_UNKNOWN',
  'E_BLOB_MISSING',
  'E_BLOB_PIECE',
  'E_BLOB_UNAVAILABLE',
  'E_BLOB_SYNC_CLOSED',
  'E_BLOB_NOT_WANTED',
  'E_STORAGE_FULL',
  'E_STALE_KEY',
  'E_IMPORT_INTERRUPTED',
  // Transport (sync/transport).
  'E_WEBRTC_CONFIG',
  'E_FRAME_NOT_BINARY',
  'E_FRAME_EMPTY',
  'E_FRAME_TYPE',
  'E_FRAME_ORDER',
  'E_FRAME_LENGTH',
  'E_MESSAGE_TOO_LARGE',
  'E_FRAME_TIMEOUT',
  'E_PEER_BUDGET',
  'E_SEND_QUEUE_FULL',
  'E_MESSAGE_REFUSED',
  // Blob lane (sync/blob/blob-lane-messages.ts).
  'E_LANE_MALFORMED',
  'E_LANE_BOUNDS',
  'E_LANE_UNEXPECTED',
  'E_LANE_FLOOD',
  // Replication settings (sync/replication).
  'E_REPLICATION_NO_TRANSPORT',
  'E_REPLICATION_SIGNALING_URL',
  'E_REPLICATION_RELAY_URL',
  'E_REPLICATION_ICE_SERVER',
  'E_REPLICATION_PUBLIC_DEFAULT',
  'E_REPLICATION_ROOM',
  'E_REPLICATION_PASSWORD',
  'E_REPLICATION_NO_WEBRTC',
  'E_REPLICATION_RELAY_ENGINE',
  // Relay write capability (sync/relay-cap).
  'E_RELAY_CAP_FORMAT',
  'E_RELAY_CAP_VERSION',
  'E_RELAY_CAP_SIGNATURE',
  'E_RELAY_CAP_CLOCK',
  // Sharing, device links, rotation (sync/share).
  'E_INVITE_FORMAT',
  'E_INVITE_VERSION',
  'E_INVITE_TAMPERED',
  'E_INVITE_EXPIRED',
  'E_INVITE_PENDING',
  'E_INVITE_USED',
  'E_INVITE_REVOKED',
  'E_INVITE_INVITER',
  'E_DEVICE_LINK_FORMAT',
  'E_DEVICE_LINK_VERSION',
  'E_DEVICE_LINK_WRONG_DEVICE',
  'E_DEVICE_LINK_EXPIRED',
  'E_DEVICE_LINK_CLOCK_SKEW',
  'E_NOT_OWNER',
  'E_NOT_SHARED',
  // The Vault (sync/vault).
  'E_MEMBER_UNKNOWN',
  'E_MEMBERS_INCOMPLETE',
  'E_SYNC_OFF',
  'E_INVITE_TIMEOUT',
  'E_INVITE_ALREADY_JOINED',
  'E_DEVICE_UNKNOWN',
  'E_HANDOVER_PASSPHRASE',
  'E_HANDOVER_CHOICE',
  'E_VAULT_EXISTS',
  'E_VAULT_HEADER_CHANGED',
  'E_ROTATION_FAILED',
  // Encrypted backup (sync/backup).
  'E_BACKUP_FORMAT',
  'E_BACKUP_VERSION',
  'E_BACKUP_TRUNCATED',
  'E_BACKUP_HASH',
  'E_BACKUP_MISMATCH',
  'E_BACKUP_AUTH',
  'E_BACKUP_UNSEALED',
] as const;

export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];
