import { concatBytes, deriveId, deriveSubkey, fromBase64Url, lengthPrefixed, openAead, sealAead, utf8 } from '../../crypto/index.ts';
import type { WriterSlot } from '../sealed/writer.ts';
import type { NotebookRoom } from '../transport/derive-room-id.ts';

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
export interface RoomMeta {
  readonly slot: WriterSlot;
  /** 0x02 ‖ nonce ‖ AEAD(room meta key, bytes), bound to the map and the box key it is stored under. */
  seal(map: string, mapKey: string, bytes: Uint8Array): Uint8Array;
  /** The sealed bytes, or undefined when `value` is not a sealed value for this place. */
  open(map: string, mapKey: string, value: unknown): Uint8Array | undefined;
}

export const SEALED_META_VERSION = 0x02;
const DOMAIN = 'obscura/room-meta/v1';

export function roomMeta(room: NotebookRoom): RoomMeta {
  const secret = fromBase64Url(room.password);
  if (!secret.ok) throw new Error('room password is not base64url');
  const key = deriveSubkey(secret.value, DOMAIN);
  const ad = (map: string, mapKey: string): Uint8Array => concatBytes(lengthPrefixed(utf8(DOMAIN)), lengthPrefixed(utf8(map)), lengthPrefixed(utf8(mapKey)));
  return {
    slot: (deviceId) => deriveId(secret.value, 'writer-slot', deviceId).slice(0, 32),
    seal: (map, mapKey, bytes) => concatBytes(Uint8Array.of(SEALED_META_VERSION), sealAead(key, bytes, ad(map, mapKey))),
    open(map, mapKey, value) {
      if (!(value instanceof Uint8Array) || value[0] !== SEALED_META_VERSION) return undefined;
      const opened = openAead(key, value.subarray(1), ad(map, mapKey));
      return opened.ok ? opened.value : undefined;
    },
  };
}
