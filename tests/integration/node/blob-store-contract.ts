import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContentHasher, sodiumReady } from '../../../crypto/index.ts';
import type { BlobStorage } from '../../../sync/server/relay/blob-storage.ts';

export interface StoreLimits {
  readonly maxBlobBytes: number;
  readonly maxRoomBlobBytes: number;
}

export interface OpenedStore {
  readonly store: BlobStorage;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;
export const CONTRACT_LIMITS: StoreLimits = { maxBlobBytes: 32 * MiB, maxRoomBlobBytes: 64 * MiB };
/** The relay client's part: 16 pieces of 64 KiB (sync/blob/relay-blob-client.ts). */
export const CLIENT_PART = 16 * 64 * 1024;

export const ROOM = 'contract-room-0001';
export const OTHER_ROOM = 'contract-room-0002';

export function hashOf(bytes: Uint8Array): string {
  const hasher = createContentHasher();
  hasher.update(bytes);
  return hasher.digest();
}

/** The body as a request delivers it: 64 KiB chunks. */
export async function* chunked(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, Math.min(bytes.length, at + size));
}

export async function readAll(store: BlobStorage, roomId: string, hash: string, start = 0, end?: number): Promise<Buffer> {
  const size = await store.size(roomId, hash);
  if (size === undefined) throw new Error('no such blob');
  const parts: Buffer[] = [];
  for await (const chunk of await store.read(roomId, hash, start, end ?? size - 1)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** Sends `bytes` as the relay client does: Content-Range parts of `part` bytes from `from`. */
export async function uploadInParts(store: BlobStorage, roomId: string, bytes: Uint8Array, part = CLIENT_PART, from = 0, hash = hashOf(bytes)) {
  let last;
  for (let start = from; start < bytes.length; start += part) {
    const end = Math.min(bytes.length, start + part) - 1;
    last = await store.putPart(roomId, hash, { start, end, total: bytes.length }, chunked(bytes.subarray(start, end + 1)));
    if (!last.ok || 'created' in last && last.created !== undefined) return last;
  }
  return last;
}

/**
 * What every relay blob store does (issue 14 §3: "The same for blob stores"), run against
 * the disk store and the S3 + PostgreSQL store. `open` gives a fresh, empty store each call.
 */
export function blobStoreContract(name: string, open: (limits: StoreLimits) => Promise<OpenedStore>): void {
  describe(`blob store contract: ${name}`, () => {
    beforeAll(() => sodiumReady());

    const withStore = (limits: StoreLimits, body: (store: BlobStorage) => Promise<void>) => async () => {
      const opened = await open(limits);
      try {
        await body(opened.store);
      } finally {
        await opened.close();
      }
    };

    it('stores a small blob under its hash, reads it whole and by range, and a second upload changes nothing', withStore(CONTRACT_LIMITS, async (store) => {
      const bytes = randomBytes(300_000);
      const hash = hashOf(bytes);
      expect(await store.size(ROOM, hash)).toBeUndefined();
      expect(await store.put(ROOM, hash, chunked(bytes), bytes.length)).toEqual({ ok: true, created: true, size: bytes.length });
      expect(await store.size(ROOM, hash)).toBe(bytes.length);
      expect((await readAll(store, ROOM, hash)).equals(bytes)).toBe(true);
      expect((await readAll(store, ROOM, hash, 1000, 70_000)).equals(bytes.subarray(1000, 70_001))).toBe(true);
      expect(await store.put(ROOM, hash, chunked(bytes), bytes.length)).toEqual({ ok: true, created: false, size: bytes.length });
      // Rooms are apart: the same bytes in another room are another blob.
      expect(await store.size(OTHER_ROOM, hash)).toBeUndefined();
    }));

    it('refuses bytes that do not hash to the name, and nothing appears under it', withStore(CONTRACT_LIMITS, async (store) => {
      const bytes = randomBytes(100_000);
      const claimed = hashOf(randomBytes(10));
      expect(await store.put(ROOM, claimed, chunked(bytes), bytes.length)).toMatchObject({ ok: false, status: 422 });
      expect(await store.size(ROOM, claimed)).toBeUndefined();
      // Also a large one, which a store may send to its backend in several parts before the end.
      const large = randomBytes(20 * MiB);
      expect(await store.put(ROOM, claimed, chunked(large), large.length)).toMatchObject({ ok: false, status: 422 });
      expect(await store.size(ROOM, claimed)).toBeUndefined();
    }));

    it('stores a 20 MiB blob byte-exact, read back by ranges across its parts', withStore(CONTRACT_LIMITS, async (store) => {
      const bytes = randomBytes(20 * MiB + 12_345);
      const hash = hashOf(bytes);
      expect(await store.put(ROOM, hash, chunked(bytes))).toEqual({ ok: true, created: true, size: bytes.length });
      expect((await readAll(store, ROOM, hash)).equals(bytes)).toBe(true);
      const [start, end] = [8 * MiB - 10, 16 * MiB + 10];
      expect((await readAll(store, ROOM, hash, start, end)).equals(bytes.subarray(start, end + 1))).toBe(true);
    }));

    it('refuses a blob over the size limit, declared or streamed', withStore({ ...CONTRACT_LIMITS, maxBlobBytes: MiB }, async (store) => {
      const bytes = randomBytes(MiB + 1);
      const hash = hashOf(bytes);
      expect(await store.put(ROOM, hash, chunked(bytes), bytes.length)).toMatchObject({ ok: false, status: 413 });
      expect(await store.put(ROOM, hash, chunked(bytes))).toMatchObject({ ok: false, status: 413 });
      expect(await store.putPart(ROOM, hash, { start: 0, end: 9, total: bytes.length }, chunked(bytes.subarray(0, 10)))).toMatchObject({ ok: false, status: 413 });
      expect(await store.size(ROOM, hash)).toBeUndefined();
    }));

    it("keeps a room within its quota (whole and resumable uploads) and other rooms unaffected", withStore({ maxBlobBytes: 4 * MiB, maxRoomBlobBytes: 5 * MiB }, async (store) => {
      const first = randomBytes(3 * MiB);
      expect(await store.put(ROOM, hashOf(first), chunked(first), first.length)).toMatchObject({ ok: true, created: true });
      const second = randomBytes(3 * MiB);
      expect(await store.put(ROOM, hashOf(second), chunked(second), second.length)).toMatchObject({ ok: false, status: 507 });
      expect(await store.put(ROOM, hashOf(second), chunked(second))).toMatchObject({ ok: false, status: 507 });
      // What was refused left no count behind: what fits still fits.
      const small = randomBytes(MiB);
      expect(await store.put(ROOM, hashOf(small), chunked(small), small.length)).toMatchObject({ ok: true, created: true });
      // A resumable upload takes parts while they fit (and keeps them, to resume), then 507.
      expect(await uploadInParts(store, ROOM, second)).toMatchObject({ ok: false, status: 507 });
      expect(await store.partialOffset(ROOM, hashOf(second))).toBe(CLIENT_PART);
      expect(await store.size(ROOM, hashOf(second))).toBeUndefined();
      expect(await store.put(OTHER_ROOM, hashOf(second), chunked(second), second.length)).toMatchObject({ ok: true, created: true });
    }));

    it('takes a resumable upload in the client\'s parts, says where it stands, and resumes after a cut', withStore(CONTRACT_LIMITS, async (store) => {
      const bytes = randomBytes(12 * MiB + 777);
      const hash = hashOf(bytes);
      const total = bytes.length;
      const cut = 7 * CLIENT_PART;
      // The first parts, then the client goes away.
      for (let start = 0; start < cut; start += CLIENT_PART) {
        expect(await store.putPart(ROOM, hash, { start, end: start + CLIENT_PART - 1, total }, chunked(bytes.subarray(start, start + CLIENT_PART))))
          .toEqual({ ok: true, offset: start + CLIENT_PART });
      }
      expect(await store.partialOffset(ROOM, hash)).toBe(cut);
      expect(await store.size(ROOM, hash)).toBeUndefined();
      // A part that does not start where the store is: 409 and the offset.
      expect(await store.putPart(ROOM, hash, { start: 0, end: 9, total }, chunked(bytes.subarray(0, 10)))).toMatchObject({ ok: false, status: 409, offset: cut });
      // A part cut short leaves the upload where it was.
      expect(await store.putPart(ROOM, hash, { start: cut, end: cut + CLIENT_PART - 1, total }, chunked(bytes.subarray(cut, cut + 1000)))).toMatchObject({ ok: false, status: 400 });
      expect(await store.partialOffset(ROOM, hash)).toBe(cut);
      expect(await uploadInParts(store, ROOM, bytes, CLIENT_PART, cut)).toEqual({ ok: true, created: true, size: total });
      expect(await store.partialOffset(ROOM, hash)).toBeUndefined();
      expect((await readAll(store, ROOM, hash)).equals(bytes)).toBe(true);
      // Parts of a blob the store holds whole: it says so.
      expect(await store.putPart(ROOM, hash, { start: 0, end: 9, total }, chunked(bytes.subarray(0, 10)))).toEqual({ ok: true, created: false, size: total });
    }));

    it('a small resumable upload and a resumable upload whose bytes do not hash to the name', withStore(CONTRACT_LIMITS, async (store) => {
      const small = randomBytes(CLIENT_PART * 2 + 5);
      expect(await uploadInParts(store, ROOM, small)).toEqual({ ok: true, created: true, size: small.length });
      expect((await readAll(store, ROOM, hashOf(small))).equals(small)).toBe(true);
      const bytes = randomBytes(6 * MiB + 1);
      const claimed = hashOf(randomBytes(8));
      expect(await uploadInParts(store, ROOM, bytes, CLIENT_PART, 0, claimed)).toMatchObject({ ok: false, status: 422 });
      expect(await store.size(ROOM, claimed)).toBeUndefined();
      expect(await store.partialOffset(ROOM, claimed)).toBeUndefined();
    }));
  });
}
