import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { asPhotoKey, newKeyId, randomNotebookKey, randomPhotoKey, toBase64Url } from '../../../crypto/index.ts';
import { createBlobSync } from '../../../sync/blob/blob-sync.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import { replicateBox } from '../../../sync/replication/replicate-box.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { nodeWrtc, patterned, sameBytes } from '../transport/peer-pair.ts';
import { newStore } from './blob-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { spawnDevice } from '../../helpers/spawn-device.ts';

const relay = relayForSuite({ globalWebSocket: true });

describe('blob sync over replicateBox.blobLane between two processes', () => {
  it('a photo and its thumbnail held by another device reach this one over the peers\' own WebRTC connection, no relay configured', async () => {
    const notebookKey = randomNotebookKey();
    const keyId = newKeyId();
    const photoKey = randomPhotoKey();
    const BYTES = 1_200_000;
    const replication = replicateBox({
      box: new Y.Doc(),
      roomId: deriveRoomId(notebookKey, 'nb-blobs'),
      password: deriveRoomPassword(notebookKey, 'nb-blobs'),
      settings: { signalingUrls: [relay.signalingUrl], iceServers: [] },
      wrtc: nodeWrtc,
    });
    const store = newStore();
    const blobs = createBlobSync({ store, roomId: replication.roomId, lane: replication.blobLane });
    await vi.waitFor(() => expect(relay.signaling.connectionCount).toBe(1));
    const { child, out, err, exited } = spawnDevice(new URL('./blob-device.ts', import.meta.url), {
      OBSCURA_KEY: toBase64Url(notebookKey),
      OBSCURA_KEY_ID: keyId,
      OBSCURA_NOTEBOOK: 'nb-blobs',
      OBSCURA_SIGNAL: relay.signalingUrl,
      OBSCURA_PHOTO_KEY: toBase64Url(photoKey),
      OBSCURA_SEED: '5',
      OBSCURA_BYTES: String(BYTES),
    });
    try {
      await vi.waitFor(() => expect(out()).toContain('"photo"'), { timeout: 20_000 });
      const ids = JSON.parse(out().trim()) as { photo: string; thumb: string };
      await vi.waitFor(() => expect(replication.blobLane.peers()).toHaveLength(1), { timeout: 20_000 });
      const started = performance.now();
      const [thumb, photo] = await Promise.all([blobs.want(ids.thumb, 'thumb'), blobs.want(ids.photo, 'photo')]);
      console.log(`blob lane over replicateBox: ${BYTES} byte photo + thumbnail in ${(performance.now() - started).toFixed(0)} ms (Node, @roamhq/wrtc)`);
      expect([thumb.ok, photo.ok]).toEqual([true, true]);
      const read = await store.readAll(ids.photo, asPhotoKey(photoKey), photoBlobAd('nb-blobs', 'note-1', 'photo'));
      expect(read.ok && sameBytes(read.value, patterned(BYTES, 5))).toBe(true);
      expect(replication.blobLane.drops).toEqual([]);
      child.stdin.end();
      expect(await exited).toBe(0);
    } catch (error) {
      throw new Error(`${String(error)}\nchild stderr: ${err()}`);
    } finally {
      child.kill();
      blobs.destroy();
      replication.destroy();
    }
  });
});
