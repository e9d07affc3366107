import { randomPhotoKey, type PhotoKey } from '../../../crypto/index.ts';
import { BlobStore, type StoredBlob } from '../../../sync/blob/blob-store.ts';
import type { BlobSync } from '../../../sync/blob/blob-sync.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import type { FetchLike } from '../../../sync/blob/relay-blob-client.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import { patterned } from '../transport/patterned-bytes.ts';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const ROOM = 'blob-room-0123456789abcdefghijklmnopqrstuvw'.slice(0, 43);

export interface Photo {
  readonly key: PhotoKey;
  readonly plain: Uint8Array;
  readonly thumbPlain: Uint8Array;
  readonly photo: StoredBlob;
  readonly thumb: StoredBlob;
}

/** A photo and its thumbnail as an import stores them: one key, ADs bound to note and role. */
export async function putPhoto(store: BlobStore, seed: number, bytes = 1536 * KiB): Promise<Photo> {
  const key = randomPhotoKey();
  const plain = patterned(bytes, seed);
  const thumbPlain = patterned(12 * KiB, seed + 1000);
  const photo = await store.put(key, photoBlobAd('nb', `note-${seed}`, 'photo'), plain);
  const thumb = await store.put(key, photoBlobAd('nb', `note-${seed}`, 'thumb'), thumbPlain);
  return { key, plain, thumbPlain, photo, thumb };
}

export async function readPhoto(store: BlobStore, photo: Photo, seed: number): Promise<Uint8Array | undefined> {
  const read = await store.readAll(photo.photo.id, photo.key, photoBlobAd('nb', `note-${seed}`, 'photo'));
  return read.ok ? read.value : undefined;
}

export const newStore = () => new BlobStore(new MemoryStorageAdapter());

/** The real fetch, counting the bytes that go up (PUT bodies the relay answered) and come down (bodies read). */
export function countingFetch(): { fetch: FetchLike; up: () => number; down: () => number; requests: string[] } {
  let up = 0;
  let down = 0;
  const requests: string[] = [];
  return {
    requests,
    up: () => up,
    down: () => down,
    fetch: async (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${input} ${JSON.stringify(init?.headers ?? {})}`);
      const response = await fetch(input, init);
      // Counted once the relay answered: a request to a stopped relay sent nothing.
      if (init?.body instanceof Uint8Array) up += init.body.length;
      const body = new Uint8Array(await response.arrayBuffer());
      down += init?.method === 'HEAD' ? 0 : body.length;
      return new Response(response.status === 204 || init?.method === 'HEAD' ? null : body, { status: response.status, headers: response.headers });
    },
  };
}

/** Resolves once the blob sync has no upload left. */
export function uploadsIdle(blobs: BlobSync): Promise<void> {
  return new Promise((resolve) => {
    const check = () => blobs.pending().uploads === 0 && (off(), resolve());
    const off = blobs.onChange(check);
    check();
  });
}
