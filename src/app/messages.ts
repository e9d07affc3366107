import { DEFAULT_ML_BUDGETS } from '../../ml/worker/ml-budgets.ts';

/** What a person reads for each error code: what happened and what to do. */
const MESSAGES: Record<string, string> = {
  E_PASSPHRASE: 'That passphrase is not right. Check caps lock and try again, or use your recovery key.',
  E_RECOVERY_KEY: 'That recovery key is not right. Check each group of characters and try again.',
  E_NO_VAULT: 'There is no vault on this device yet.',
  E_FORMAT: 'The vault on this device is damaged and cannot be read.',
  E_VERSION: 'This vault was made by a newer version of Obscura. Update the app to open it.',
  E_OUT_OF_MEMORY: 'This device does not have enough memory to protect the vault key. Close other tabs and try again.',
  E_STORAGE_FULL: 'This device is out of storage space. Nothing already saved was lost; free some space and try again.',
  E_NOTEBOOK_UNKNOWN: 'That notebook is not in this vault.',
  // Photos that could not be imported or tagged (ml/runtime/ml-error.ts, ml/image).
  E_IMAGE_CORRUPT: 'This file is damaged or is not a photo, so it could not be tagged.',
  E_IMAGE_UNSUPPORTED: 'This image format is not supported (use JPEG, PNG, WebP or GIF).',
  E_IMAGE_TOO_LARGE: 'This photo is too large to tag on this device.',
  E_MODEL_FETCH: 'The tagging models could not be loaded. Reload the page, then use "Tag again".',
  E_MODEL_HASH: 'A tagging model failed its integrity check and was not used.',
  E_MODEL_LOAD: 'The tagging models could not be started in this browser.',
  E_CANCELLED: 'Tagging was cancelled.',
  E_MODEL_TIMEOUT: `The model took longer than its time budget and was stopped (an imported classifier has ${DEFAULT_ML_BUDGETS.importMs / 1000} s to load and run once, and ${DEFAULT_ML_BUDGETS.classifyMs / 1000} s per photo).`,
  E_MODEL_COST: 'This model needs more computing per photo than an imported classifier may (its graph was checked before it ran).',
  // Sync: quarantined box entries (sync/ERRORS.md). Kept on this device, not applied, never lost.
  E_SIGNER: 'Written by a device that is not (or no longer) a member of this notebook, so it was not applied.',
  E_KEY_UNKNOWN: 'Locked with a notebook key this device does not have yet; it opens by itself when the key arrives.',
  E_DECRYPT: 'Damaged or altered on the way, so it could not be opened.',
  E_SIGNATURE: 'Its signature does not match its content (altered on the way), so it was not applied.',
  E_TRUNCATED: 'Arrived incomplete, so it could not be opened.',
  E_CONTEXT: 'Moved here from another notebook or place, so it was refused.',
  E_PADDING: 'Opened, but not padded the way Obscura pads it: written by a device of a member with faulty or altered software, so it was not used.',
  E_ENTRY_KEY: 'Not a well-formed sync entry, so it was ignored.',
  E_ENTRY_VALUE: 'Not a well-formed sync entry, so it was ignored.',
  E_PAYLOAD: 'Opened, but its content is not a notebook snapshot.',
  E_UPDATE: 'Opened, but its content could not be applied to the notebook.',
  E_STALE_KEY: 'This copy is older than the notebook: its key was changed since, and what was written after that has not arrived. The relay may be serving an old copy; it catches up when a device that has the rest is online.',
  // Invites (sync/share) and joining.
  E_INVITE_FORMAT: 'This is not a complete invite link. Ask for the link again and copy all of it.',
  E_INVITE_VERSION: 'This invite link was made by another version of Obscura: links made before the current version no longer work. Ask for a new link (and update the app if theirs is newer).',
  E_INVITE_TAMPERED: 'This invite link was changed after it was made, so it cannot be trusted. Ask for a new one.',
  E_INVITE_EXPIRED: 'This invite link has expired. Ask for a new one.',
  E_INVITE_PENDING: 'The notebook has not arrived yet. Keep this page open while the person who invited you (or the relay) is reachable.',
  E_INVITE_USED: 'This invite link was already used by another device. Ask for a new one.',
  E_INVITE_REVOKED: 'This invite was withdrawn by a member of the notebook. Ask for a new one.',
  E_INVITE_INVITER: 'This invite names someone who did not make it, so it was refused. Ask for a new one.',
  E_NOT_OWNER: 'Only an owner of this notebook can remove members.',
  E_MEMBER_UNKNOWN: 'That device is no longer a member of this notebook.',
  E_DEVICE_UNKNOWN: 'That is not one of your other devices, or it was removed already. Nothing was changed.',
  E_INVITE_ALREADY_JOINED: 'You already have this notebook, so nothing was changed. Open it from your notebooks.',
  E_INVITE_TIMEOUT: 'The notebook did not arrive within a minute. The person who invited you (or the relay) may be offline; try again later.',
  E_SYNC_OFF: 'Sync is not running on this device, so the notebook cannot arrive. Check the sync servers in Settings.',
  E_NOT_SHARED: 'This notebook cannot be shared yet: open it once on the device that made it.',
  E_VAULT_EXISTS: 'This device already has a vault. Linking would replace it, so nothing was changed.',
  E_VAULT_HEADER_CHANGED: 'Your passphrase, recovery key or vault key was changed in another tab, so this tab was locked and nothing was changed here. Unlock with your current passphrase.',
  E_ROTATION_FAILED: 'The vault key could not be changed: this browser refused to store part of it. Nothing was changed; unlock again and retry.',
  // Restoring an encrypted backup (sync/backup). Nothing is written when any of these shows.
  E_BACKUP_FORMAT: 'This file is not an Obscura backup (or it is damaged at the start). Pick the .obscura file you saved.',
  E_BACKUP_VERSION: 'This backup was made by a newer version of Obscura. Update the app, then restore it.',
  E_BACKUP_TRUNCATED: 'This backup file is incomplete: it was cut off while downloading or copying. Use a complete copy.',
  E_BACKUP_HASH: 'This backup file is damaged (its contents do not match their checksums). Use another copy.',
  E_BACKUP_MISMATCH: 'The parts of this backup do not belong together, so it was altered. Use another copy.',
  E_BACKUP_AUTH: 'This backup was changed after it was made: its seal does not match its contents (notebooks or photos may have been removed or replaced). Nothing was restored; use another copy.',
  E_BACKUP_UNSEALED: 'This backup was made by an older version of Obscura and has no seal, so the app cannot check that nothing was removed from it or replaced since. Restore it only if you are sure it is the file you saved.',
  // Linking a new device of the same person. E_DEVICE_LINK_VERSION, _EXPIRED and _CLOCK_SKEW
  // are not here: their own messages say which version, by how much and whose clock.
  E_DEVICE_LINK_FORMAT: 'This is not a complete device link. Copy the whole link and try again.',
  E_DEVICE_LINK_WRONG_DEVICE: 'This answer was made for another device. Start again from this device’s request.',
  // Sync settings refused before anything is sent (sync/replication).
  E_REPLICATION_NO_TRANSPORT: 'No signaling server or relay is set, so this device cannot sync.',
  E_REPLICATION_SIGNALING_URL: 'The signaling server address is not a ws:// or wss:// address.',
  E_REPLICATION_RELAY_URL: 'The relay address is not a ws:// or wss:// address.',
  E_REPLICATION_ICE_SERVER: 'A STUN/TURN server address is not valid.',
  E_REPLICATION_PUBLIC_DEFAULT: 'A public signaling or STUN server was set; Obscura only uses servers you choose.',
  E_REPLICATION_NO_WEBRTC: 'This browser has no WebRTC, so devices can only meet through the relay.',
};

export function messageFor(code: string, fallback?: string): string {
  return MESSAGES[code] ?? fallback ?? `Something went wrong (${code}).`;
}

export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return 'E_UNEXPECTED';
}
