import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_CIPHER, BLOB_CHUNK_PLAIN, concatBytes, contentHash, isPadmeBucket, paddedBlobBytes, randomPhotoKey, sodiumReady, utf8 } from '../../../crypto/index.ts';
import { isBlobSize, pieceAt, pieceCount, pieceLength, pieceOffset } from '../../../sync/blob/blob-layout.ts';
import { BlobStore } from '../../../sync/blob/blob-store.ts';
import { IndexedDbStorageAdapter } from '../../../sync/storage/indexeddb-storage-adapter.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import type { StorageAdapter, StorageKey } from '../../../sync/storage/storage-adapter.ts';

const AD = utf8('photo:test');
beforeAll(sodiumReady);

function pattern(size: number, seed = 7): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * seed + (i >> 8)) & 0xff;
  return out;
}

/** Records every save, to see what reaches storage and how big each write is. */
class RecordingStorage extends MemoryStorageAdapter {
  readonly saves: { key: StorageKey; size: number }[] = [];
  override async save(key: StorageKey, data: Uint8Array): Promise<void> {
    this.saves.push({ key, size: data.length });
    await super.save(key, data);
  }
}

describe('blob store', () => {
  it.each([0, 1, BLOB_CHUNK_PLAIN, BLOB_CHUNK_PLAIN + 1, 3 * BLOB_CHUNK_PLAIN - 5])('round-trips %i bytes, addressed by the ciphertext hash', async (size) => {
    const storage: StorageAdapter = new IndexedDbStorageAdapter(`blobs-${size}`);
    const store = new BlobStore(storage);
    const key = randomPhotoKey();
    const data = pattern(size);
    const stored = await store.put(key, AD, data);
    expect(stored.id).toMatch(/^[0-9a-f]{64}$/);
    const read = await store.readAll(stored.id, key, AD);
    expect(read.ok && Buffer.compare(read.value, data)).toBe(0);
  });

  it('streams a 20 MB photo: pulls its source lazily and writes chunk-sized records', async () => {
    const storage = new RecordingStorage();
    const store = new BlobStore(storage);
    const key = randomPhotoKey();
    let pulled = 0;
    const piece = pattern(256 * 1024, 3);
    async function* source() {
      for (let i = 0; i < 80; i++) {
        pulled += piece.length;
        // Never more than two chunks (plus one piece) ahead of what is stored.
        const stored = storage.saves.reduce((sum, s) => sum + s.size, 0);
        expect(pulled - stored).toBeLessThanOrEqual(2 * BLOB_CHUNK_CIPHER + piece.length);
        yield piece;
      }
    }
    const stored = await store.put(key, AD, { size: 80 * piece.length, pieces: source() });
    expect(pulled).toBe(20 * 1024 * 1024);
    expect(Math.max(...storage.saves.map((s) => s.size))).toBeLessThanOrEqual(BLOB_CHUNK_CIPHER);
    let bytes = 0;
    const result = await store.read(stored.id, key, AD, (chunk) => {
      expect(chunk.length).toBeLessThanOrEqual(BLOB_CHUNK_PLAIN);
      bytes += chunk.length;
    });
    expect(result.ok).toBe(true);
    expect(bytes).toBe(20 * 1024 * 1024);
  });

  it('reads a File/Blob source piece by piece', async () => {
    const store = new BlobStore(new MemoryStorageAdapter());
    const key = randomPhotoKey();
    const data = pattern(300_000);
    const stored = await store.put(key, AD, new Blob([data]));
    const read = await store.readAll(stored.id, key, AD);
    expect(read.ok && Buffer.compare(read.value, data)).toBe(0);
  });

  it('E_DECRYPT: a flipped byte in a stored chunk is detected', async () => {
    const storage = new MemoryStorageAdapter();
    const store = new BlobStore(storage);
    const key = randomPhotoKey();
    const stored = await store.put(key, AD, pattern(200_000));
    const [chunk] = (await storage.loadRange(['blob-chunk'])).filter((c) => c.key[2] === '000000002');
    chunk!.data[10]! ^= 1;
    await storage.save(chunk!.key, chunk!.data);
    const read = await store.readAll(stored.id, key, AD);
    expect(read.ok ? 'read' : read.error.code).toBe('E_DECRYPT');
  });

  it('E_TRUNCATED: a missing last chunk is detected', async () => {
    const storage = new MemoryStorageAdapter();
    const store = new BlobStore(storage);
    const key = randomPhotoKey();
    const stored = await store.put(key, AD, pattern(200_000));
    const chunks = await storage.loadRange(['blob-chunk']);
    await storage.remove(chunks[chunks.length - 1]!.key);
    const read = await store.readAll(stored.id, key, AD);
    expect(read.ok ? 'read' : read.error.code).toBe('E_TRUNCATED');
  });

  it('E_HASH_MISMATCH: a blob stored under another address is refused', async () => {
    const storage = new MemoryStorageAdapter();
    const store = new BlobStore(storage);
    const key = randomPhotoKey();
    const stored = await store.put(key, AD, pattern(1000));
    const fakeId = contentHash(utf8('something else'));
    await storage.save(['blob', fakeId], (await storage.load(['blob', stored.id]))!);
    const read = await store.readAll(fakeId, key, AD);
    expect(read.ok ? 'read' : read.error.code).toBe('E_HASH_MISMATCH');
  });

  it('E_BLOB_MISSING for an unknown id; wrong key or context fails to decrypt', async () => {
    const store = new BlobStore(new MemoryStorageAdapter());
    const key = randomPhotoKey();
    const stored = await store.put(key, AD, pattern(1000));
    const missing = await store.readAll('0'.repeat(64), key, AD);
    expect(missing.ok ? 'read' : missing.error.code).toBe('E_BLOB_MISSING');
    const wrongKey = await store.readAll(stored.id, randomPhotoKey(), AD);
    expect(wrongKey.ok).toBe(false);
    const wrongAd = await store.readAll(stored.id, key, utf8('photo:other'));
    expect(wrongAd.ok).toBe(false);
  });

  it('remove deletes the head and every chunk', async () => {
    const storage = new MemoryStorageAdapter();
    const store = new BlobStore(storage);
    const key = randomPhotoKey();
    const stored = await store.put(key, AD, pattern(1000));
    expect(await store.has(stored.id)).toBe(true);
    await store.remove(stored.id);
    expect(await store.has(stored.id)).toBe(false);
    expect(await storage.loadRange(['blob-chunk'])).toEqual([]);
  });

  it('roomBlobs lists the blobs of one room that are stored here (in IndexedDB): not another room\'s, not one only recorded', async () => {
    const store = new BlobStore(new IndexedDbStorageAdapter('blobs-rooms'));
    const key = randomPhotoKey();
    const [a, b, c] = [await store.put(key, AD, pattern(100, 1)), await store.put(key, AD, pattern(100, 2)), await store.put(key, AD, pattern(100, 3))];
    await store.addToRoom('room-one-0123456789', a.id);
    await store.addToRoom('room-one-0123456789', b.id);
    await store.addToRoom('room-two-0123456789', c.id);
    await store.addToRoom('room-one-0123456789', 'ab'.repeat(32));
    expect((await store.roomBlobs('room-one-0123456789')).sort()).toEqual([a.id, b.id].sort());
    expect(await store.roomBlobs('room-two-0123456789')).toEqual([c.id]);
    await store.remove(b.id);
    expect(await store.roomBlobs('room-one-0123456789')).toEqual([a.id]);
  });

  it('a padded blob is its bucket, and its pieces line up with blob-layout: offsets, lengths, hash, and a move to another store', async () => {
    for (const size of [0, 5, BLOB_CHUNK_PLAIN - 8, BLOB_CHUNK_PLAIN, 3 * BLOB_CHUNK_PLAIN + 123, 1_000_000]) {
      const source = new BlobStore(new MemoryStorageAdapter());
      const key = randomPhotoKey();
      const data = pattern(size, 11);
      const stored = await source.put(key, AD, data);
      expect(stored.size).toBe(paddedBlobBytes(size));
      expect(isPadmeBucket(stored.size) && isBlobSize(stored.size), `${size} bytes → ${stored.size}`).toBe(true);
      expect(await source.stat(stored.id)).toEqual({ size: stored.size, pieces: pieceCount(stored.size) });
      const pieces: Uint8Array[] = [];
      for (let index = 0; index < pieceCount(stored.size); index++) {
        const piece = (await source.readPiece(stored.id, index)) ?? new Uint8Array(0);
        expect(piece.length, `piece ${index}`).toBe(pieceLength(stored.size, index));
        expect(pieceAt(pieceOffset(index))).toBe(index);
        pieces.push(piece);
      }
      const whole = concatBytes(...pieces);
      expect([whole.length, contentHash(whole)]).toEqual([stored.size, stored.id]);
      const target = new BlobStore(new MemoryStorageAdapter());
      for (const [index, piece] of pieces.entries()) expect((await target.receivePiece(stored.id, stored.size, index, piece)).ok).toBe(true);
      const read = await target.readAll(stored.id, key, AD);
      expect(read.ok && Buffer.compare(read.value, data)).toBe(0);
    }
  });
});
