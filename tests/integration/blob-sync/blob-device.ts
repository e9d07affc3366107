/**
 * The other device of replicate-box-blobs.test.ts, in its own Node process (two y-webrtc
 * providers for one room cannot share one): it stores a photo and its thumbnail (key from
 * OBSCURA_PHOTO_KEY, bytes patterned from OBSCURA_SEED), joins the notebook's room over
 * WebRTC only (no relay), serves them over replicateBox's blob lane, and prints their ids
 * as one JSON line. It stays until its stdin closes.
 */
import wrtc from '@roamhq/wrtc';
import * as Y from 'yjs';
import { asPhotoKey, fromBase64Url } from '../../../crypto/index.ts';
import { createBlobSync } from '../../../sync/blob/blob-sync.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import { replicateBox } from '../../../sync/replication/replicate-box.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { childDevice, env } from '../../helpers/child-device.ts';
import { patterned } from '../transport/patterned-bytes.ts';
import { newStore } from './blob-sync-harness.ts';

const { notebookKey } = await childDevice();
const notebookId = env('OBSCURA_NOTEBOOK');
const keyBytes = fromBase64Url(env('OBSCURA_PHOTO_KEY'));
if (!keyBytes.ok) throw new Error('OBSCURA_PHOTO_KEY is not base64url');
const key = asPhotoKey(keyBytes.value);
const seed = Number(env('OBSCURA_SEED'));
const store = newStore();
const photo = await store.put(key, photoBlobAd(notebookId, 'note-1', 'photo'), patterned(Number(env('OBSCURA_BYTES')), seed));
const thumb = await store.put(key, photoBlobAd(notebookId, 'note-1', 'thumb'), patterned(9_000, seed + 1));

const roomId = deriveRoomId(notebookKey, notebookId);
const replication = replicateBox({
  box: new Y.Doc(),
  roomId,
  password: deriveRoomPassword(notebookKey, notebookId),
  settings: { signalingUrls: [env('OBSCURA_SIGNAL')], iceServers: [] },
  wrtc,
});
const blobs = createBlobSync({ store, roomId: replication.roomId, lane: replication.blobLane });
console.log(JSON.stringify({ photo: photo.id, thumb: thumb.id }));
process.stdin.resume();
process.stdin.on('end', () => {
  blobs.destroy();
  replication.destroy();
  setTimeout(() => process.exit(0), 500);
});
setTimeout(() => process.exit(3), 60_000);
