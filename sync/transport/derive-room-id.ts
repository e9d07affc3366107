import { deriveId, fromBase64Url, type NotebookKey } from '../../crypto/index.ts';

/**
 * The name under which a notebook's box meets its peers on the signaling server (and the
 * relay): keyed BLAKE2b of the notebook id under the notebook key (ARCHITECTURE §4), so no
 * server learns a notebook's id or name, and only holders of the key can find the room.
 * 43 base64url characters; the purpose `room` matches crypto's test vectors.
 */
export function deriveRoomId(notebookKey: NotebookKey, notebookId: string): string {
  return deriveId(notebookKey, 'room', notebookId);
}

/**
 * y-webrtc's `password` for that room. It encrypts what y-webrtc puts on the signaling
 * server and on BroadcastChannel (SDP, ICE candidates, tab-to-tab sync), so the signaling
 * server cannot read or inject them. Under a separate purpose, it is unrelated to the
 * room id the server sees.
 */
export function deriveRoomPassword(notebookKey: NotebookKey, notebookId: string): string {
  return deriveId(notebookKey, 'room-password', notebookId);
}

/** What deriveRoomId produces; connectWebrtc refuses anything else as a room id. */
export const DERIVED_ROOM_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * What finding a notebook's peers takes: the room id servers see, y-webrtc's password and
 * the presence key. None of it opens an envelope, so an invite link carries these (and a
 * one-time seed) instead of a notebook key (sync/share/invite-link.ts).
 */
export interface NotebookRoom {
  readonly roomId: string;
  readonly password: string;
  readonly presenceKey: Uint8Array;
}

/** Everything from the key the notebook was founded with, so rooms never move on rotation. */
export function notebookRoomFromKey(foundingKey: NotebookKey, notebookId: string): NotebookRoom {
  const roomId = deriveRoomId(foundingKey, notebookId);
  const presence = fromBase64Url(deriveId(foundingKey, 'presence-key', roomId));
  if (!presence.ok) throw new Error('deriveId returned invalid base64url');
  return { roomId, password: deriveRoomPassword(foundingKey, notebookId), presenceKey: presence.value };
}
