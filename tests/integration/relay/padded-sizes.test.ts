import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paddedBlobBytes, randomPhotoKey } from '../../../crypto/index.ts';
import { BlobStore } from '../../../sync/blob/blob-store.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import { RelayBlobClient } from '../../../sync/blob/relay-blob-client.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { boxMaps } from '../../../sync/sealed/box-layout.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { patterned } from '../transport/patterned-bytes.ts';
import { relayForSuite } from './relay-for-suite.ts';
import { connectDevice, notebookKeyring, roomState, until } from './relay-harness.ts';

// Tests what the relay stores, below the write capability (write-capability.test.ts): every client here may write.
const relay = relayForSuite({ requireWriteCapability: false });
const ROOM = 'padded-sizes-room-0123456789abcdefghijklmno';

/**
 * Independent of crypto/: a size is a Padmé bucket when it has no more significant bits than
 * Padmé keeps for its magnitude, ⌊log2 ⌊log2 L⌋⌋ + 1 (Nikitin et al., PETS 2019).
 */
function isPadmeBucket(size: number): boolean {
  if (size < 2) return true;
  const e = Math.floor(Math.log2(size));
  const kept = Math.floor(Math.log2(e)) + 1;
  return size % 2 ** (e - kept) === 0;
}

/** Sizes of the blob files the relay keeps (named by their 64-hex hash). */
function relayBlobSizes(dir: string): number[] {
  const sizes: number[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/^[0-9a-f]{64}$/.test(name)) sizes.push(statSync(full).size);
    }
  };
  walk(dir);
  return sizes;
}

describe('relay: what sizes it learns (issue 13 §2)', () => {
  it('photos and thumbnails of many sizes reach the relay only as bucket sizes', async () => {
    const seed = testSeed();
    console.log(`padded-sizes seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const store = new BlobStore(new MemoryStorageAdapter());
    const client = new RelayBlobClient(relay.blobsUrl, ROOM, fetch);
    const plainSizes: number[] = [];
    for (let i = 0; i < 40; i++) {
      // Photos from 2 KB to 400 KB (up to seven 64 KiB chunks), thumbnails from 3 to 20 KB;
      // the last ten photos within 1 KB of each other, as versions of one known photo would be.
      const photoBytes = i < 30 ? 2000 + Math.floor(random() * 400_000) : 100_000 + 100 * (i - 30);
      const thumbBytes = 3000 + Math.floor(random() * 17_000);
      plainSizes.push(photoBytes, thumbBytes);
      const key = randomPhotoKey();
      const photo = await store.put(key, photoBlobAd('nb', `note-${i}`, 'photo'), patterned(photoBytes, seed + i));
      const thumb = await store.put(key, photoBlobAd('nb', `note-${i}`, 'thumb'), patterned(thumbBytes, seed + 1000 + i));
      expect((await client.upload(store, photo.id)).kind).toBe('stored');
      expect((await client.upload(store, thumb.id)).kind).toBe('stored');
    }
    const sizes = relayBlobSizes(relay.dataDir);
    expect(sizes).toHaveLength(80);
    expect(sizes.filter((size) => !isPadmeBucket(size)), 'blob sizes at the relay that are not a bucket').toEqual([]);
    // The relay learns the bucket and nothing finer: the sizes it holds are the buckets of the photos.
    expect(new Set(sizes)).toEqual(new Set(plainSizes.map((n) => paddedBlobBytes(n))));
    const neighbours = new Set(plainSizes.filter((_, i) => i >= 60 && i % 2 === 0).map((n) => paddedBlobBytes(n)));
    expect(neighbours.size, 'ten photos within 1 KB').toBeLessThanOrEqual(2);
  });

  it('sealed box entries of many sizes reach the relay only as bucket sizes', async () => {
    const seed = testSeed();
    console.log(`padded-sizes entries seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const device = connectDevice(relay.relayUrl, `${ROOM}-box`, notebookKeyring());
    try {
      for (let i = 0; i < 30; i++) {
        createNote(device.plain, { title: `n${i}`, body: 'x'.repeat(Math.floor(random() * 3000)) });
        device.sealed.flush();
      }
      await until(device.box, () => boxMaps(device.box).entries.size >= 30);
      const held = await (async () => {
        for (;;) {
          const doc = await roomState(relay.relayUrl, `${ROOM}-box`);
          if (boxMaps(doc).entries.size >= 30) return doc;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const sizes = [...boxMaps(held).entries.values()].map((value) => value.length);
      expect(sizes).toHaveLength(30);
      expect(sizes.filter((size) => !isPadmeBucket(size)), 'envelope sizes at the relay that are not a bucket').toEqual([]);
    } finally {
      device.destroy();
    }
  });
});
