import { DEFAULT_ML_BUDGETS } from '../../ml/worker/ml-budgets.ts';
import { isErrorCode, type ErrorCode } from './error-code.ts';

/**
 * What a person reads for each error code: what happened and what to do. One entry per code
 * of src/app/error-code.ts (the type makes a missing one a compile error), checked against
 * the ERRORS.md tables by tests/unit/errors/error-registry.test.ts.
 */
export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  E_PASSPHRASE: 'That passphrase is not right. Check caps lock and try again, or use your recovery key.',
  E_RECOVERY_KEY: 'That recovery key is not right. Check each group of characters and try again.',
  E_NO_VAULT: 'There is no vault on this device yet.',
  E_FORMAT: 'The vault on this device is damaged and cannot be read.',
  E_VERSION: 'This vault was made by a newer version of Obscura. Update the app to open it.',
  E_OUT_OF_MEMORY: 'This device does not have enough memory to protect the vault key. Close other tabs and try again.',
  E_STORAGE_FULL: 'This device is out of storage space. Nothing already saved was lost; free some space and try again.',
  E_FACES_UNSAVED: 'The faces found in your photos could not be saved on this device (is it out of storage space?). They are kept while Obscura is open and saved again by themselves; nothing was lost.',
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
  E_MEMBERS_INCOMPLETE: 'This device has not received every member the owner listed yet; the member list may be incomplete.',
  E_DEVICE_UNKNOWN: 'That is not one of your other devices, or it was removed already. Nothing was changed.',
  E_HANDOVER_CHOICE: 'One of your devices removed another from your vault. Say which device you keep before this one follows either.',
  E_HANDOVER_PASSPHRASE:
    'Another of your devices removed one and handed this one a new vault key. Choose a new passphrase below to take it up with your recovery key.',
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
  E_REPLICATION_RELAY_ENGINE: 'The relay runs an older version of Obscura (or another server) and speaks a protocol this version does not. Update the relay: its stored data is kept.',
  // Codes whose raiser's message is shown when there is one (RAISED_MESSAGE_FIRST); these
  // words are for when there is none.
  E_DEVICE_LINK_VERSION: 'This device link was made by another version of Obscura. Start the link again on both devices (and update the app if one is older).',
  E_DEVICE_LINK_EXPIRED: 'This device link has expired. Start the link again on the new device.',
  E_DEVICE_LINK_CLOCK_SKEW: 'The clocks of the two devices differ by more than two minutes. Set both to the right time and start the link again.',
  E_HASH_MISMATCH: 'A photo that arrived is not the one it claims to be, so it was not kept.',
  E_BLOB_MISSING: 'This photo is not on this device yet.',
  E_BLOB_PIECE: 'Part of a photo arrived out of order or damaged, so it was not kept.',
  E_BLOB_UNAVAILABLE: 'No device that has this photo is online, and the relay does not have it. It arrives when one is.',
  E_BLOB_SYNC_CLOSED: 'Sync stopped while this photo was on its way.',
  E_BLOB_NOT_WANTED: 'This photo was no longer on screen, so it was not downloaded.',
  E_IMPORT_INTERRUPTED: 'This photo was being imported when its tab closed, so it was not stored. Import it again.',
  E_WEBRTC_CONFIG: 'The settings for meeting other devices directly are not valid.',
  E_FRAME_NOT_BINARY: 'A device sent something that is not sync data, so it was disconnected.',
  E_FRAME_EMPTY: 'A device sent an empty message, so it was disconnected.',
  E_FRAME_TYPE: 'A device sent a message this app cannot read (another version?), so it was disconnected.',
  E_FRAME_ORDER: 'A device sent the parts of a message out of order, so it was disconnected.',
  E_FRAME_LENGTH: 'A device sent a message longer than it announced, so it was disconnected.',
  E_MESSAGE_TOO_LARGE: 'A device announced a message too large to receive, so it was disconnected.',
  E_FRAME_TIMEOUT: 'A device began a message and did not finish it, so it was disconnected.',
  E_PEER_BUDGET: 'A device made this page hold more than it may, so it was disconnected.',
  E_SEND_QUEUE_FULL: 'A device asked for more than it reads, so it was disconnected.',
  E_MESSAGE_REFUSED: 'A device sent sync data this notebook does not accept, so it was disconnected.',
  E_LANE_MALFORMED: 'A device sent a photo request this app cannot read, so photos are no longer exchanged with it.',
  E_LANE_BOUNDS: 'A device asked for or sent a photo piece that does not exist, so photos are no longer exchanged with it.',
  E_LANE_UNEXPECTED: 'A device sent a photo piece nobody asked it for, so photos are no longer exchanged with it.',
  E_LANE_FLOOD: 'A device asked for photos faster than it reads them, so photos are no longer exchanged with it.',
  E_REPLICATION_ROOM: 'This notebook’s sync room name is not one Obscura made, so nothing was sent.',
  E_REPLICATION_PASSWORD: 'This notebook’s sync room has no proper password, so nothing was sent.',
  E_RELAY_CAP_FORMAT: 'The relay was sent a write permission it cannot read.',
  E_RELAY_CAP_VERSION: 'The relay was sent a write permission from another version of Obscura.',
  E_RELAY_CAP_SIGNATURE: 'A write permission sent to the relay is not signed by the notebook.',
  E_RELAY_CAP_CLOCK: 'This device’s clock differs from the relay’s by more than five minutes, so the relay only lets it read.',
  E_MODEL_UNKNOWN: 'The app asked for a tagging model it does not have.',
  E_SPEC_INVALID: 'The classifier’s description (input name, size, labels) is not valid, so it was not imported.',
  E_MODEL_IO: 'The classifier’s inputs or outputs do not match its description, so it was not imported.',
  E_BAD_MESSAGE: 'The tagging worker sent or was sent a message that is not well formed.',
  E_INFERENCE: 'Tagging failed while the model ran. Use "Tag again" to retry.',
  E_TAXONOMY_INVALID: 'The list of broader search terms is not valid.',
  E_EXPANSION_INVALID: 'The list of search synonyms is not valid.',
  E_SEARCH_INDEX_INVALID: 'The search index kept on this device could not be read, so it was built again.',
  E_UNEXPECTED: 'Something went wrong that the app did not expect. Reload the page and try again.',
};

/**
 * Codes whose raiser's message says more than ours (how far the clocks differ, which version,
 * what was picked), or says what these words have not been checked to say yet: the UI shows the
 * raiser's message when it has one.
 */
export const RAISED_MESSAGE_FIRST: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'E_DEVICE_LINK_VERSION',
  'E_DEVICE_LINK_EXPIRED',
  'E_DEVICE_LINK_CLOCK_SKEW',
  'E_HASH_MISMATCH',
  'E_BLOB_MISSING',
  'E_BLOB_PIECE',
  'E_BLOB_UNAVAILABLE',
  'E_BLOB_SYNC_CLOSED',
  'E_BLOB_NOT_WANTED',
  'E_IMPORT_INTERRUPTED',
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
  'E_LANE_MALFORMED',
  'E_LANE_BOUNDS',
  'E_LANE_UNEXPECTED',
  'E_LANE_FLOOD',
  'E_REPLICATION_ROOM',
  'E_REPLICATION_PASSWORD',
  'E_RELAY_CAP_FORMAT',
  'E_RELAY_CAP_VERSION',
  'E_RELAY_CAP_SIGNATURE',
  'E_RELAY_CAP_CLOCK',
  'E_MODEL_UNKNOWN',
  'E_SPEC_INVALID',
  'E_MODEL_IO',
  'E_BAD_MESSAGE',
  'E_INFERENCE',
  'E_TAXONOMY_INVALID',
  'E_EXPANSION_INVALID',
  'E_SEARCH_INDEX_INVALID',
  'E_UNEXPECTED',
]);

/** What to tell the person: `raised` is the failure's own message, used only where RAISED_MESSAGE_FIRST says. */
export function messageFor(code: ErrorCode, raised?: string): string {
  return (RAISED_MESSAGE_FIRST.has(code) ? raised : undefined) ?? ERROR_MESSAGES[code];
}

/** The code of a thrown thing; anything not coded with one of ours is E_UNEXPECTED. */
export function errorCode(error: unknown): ErrorCode {
  if (typeof error === 'object' && error !== null && 'code' in error && isErrorCode(error.code)) return error.code;
  return 'E_UNEXPECTED';
}
