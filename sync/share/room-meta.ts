import { deriveId, fromBase64Url } from '../../crypto/index.ts';
import { sealedMeta, type SealedMeta } from '../sealed/sealed-meta.ts';
import type { NotebookRoom } from '../transport/derive-room-id.ts';

export { SEALED_META_VERSION } from '../sealed/sealed-meta.ts';

/**
 * What a room's box shows a relay about its members: nothing readable.
 *
 * Note: box keys used to name device ids (writer slots, key envelope recipients, who revoked
 * whom) and the sharing maps' values carried signing keys in clear, the same in every room a
 * device is in, so a relay could rebuild the person <-> devices <-> notebooks graph and who
 * removed whom. Now a box key names a device only through this room's `slot` (a keyed hash of
 * the device id), and the values of `keys`, `revocations` and `epochs` are sealed under a key
 * of the room. Both come from the room password, which every member (and the holder of an open
 * invite) has and no server ever sees. Readable without any notebook key, as these maps must be
 * (a member that missed a rotation reads the revocation and its new key here).
 */
export type RoomMeta = SealedMeta;

export function roomMeta(room: NotebookRoom): RoomMeta {
  const secret = fromBase64Url(room.password);
  if (!secret.ok) throw new Error('room password is not base64url');
  return sealedMeta(secret.value, 'obscura/room-meta/v1', (deviceId) => deriveId(secret.value, 'writer-slot', deviceId).slice(0, 32));
}
