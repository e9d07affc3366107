import {
  createBlobDecryptor,
  createBlobEncryptor,
  createContentHasher,
  fromUtf8,
  randomBytes,
  toBase64Url,
  utf8,
  type CryptoErrorCode,
  type PhotoKey,
  type Result,
} from '../../crypto/index.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { isBlobSize, pieceCount, pieceLength } from './blob-layout.ts';
import { readPieces, sourceSize, type BlobSource } from './blob-source.ts';

export type BlobErrorCode = CryptoErrorCode | 'E_BLOB_MISSING' | 'E_BLOB_PIECE' | 'E_STORAGE_FULL' | BlobSyncErrorCode;
/** Codes of blob transfer (blob-sync.ts); declared here so one result type serves both. */
export type BlobSyncErrorCode = 'E_BLOB_UNAVAILABLE' | 'E_BLOB_SYNC_CLOSED' | 'E_BLOB_NOT_WANTED';
export type BlobResult<T> = Result<T, BlobErrorCode>;

export interface StoredBlob {
  /** BLAKE2b-256 (hex) of the ciphertext: header followed by every chunk. */
  readonly id: string;
  /** Ciphertext bytes: a Padmé bucket for what is written now (v1 blobs received from elsewhere: exact). */
  readonly size: number;
  readonly chunks: number;
}

interface Head {
  readonly upload: string;
  readonly chunks: number;
  readonly size: number;
}

/** Where an incoming blob stands: `next` pieces of `size` bytes are stored. */
export interface IncomingBlob {
  readonly size: number;
  readonly next: number;
}

const chunkKey = (upload: string, index: number) => ['blob-chunk', upload, String(index).padStart(9, '0')];
const incomingKey = (id: string) => ['blob-in', id];
const offerKey = (roomId: string, id: string) => ['blob-offer', roomId, id];
const roomKey = (id: string, roomId: string) => ['blob-room', id, roomId];
const BLOB_ID = /^[0-9a-f]{64}$/;

/**
 * Encrypted photos and thumbnails, addressed by the hash of their ciphertext. Chunks are
 * written as they are encrypted and read as they are decrypted, so a large photo never
 * sits whole in memory. A head record (written last) makes a blob exist; chunks of an
 * interrupted write have no head and are never read.
 */
export class BlobStore {
  readonly #storage: StorageAdapter;

  constructor(storage: StorageAdapter) {
    this.#storage = storage;
  }

  async put(key: PhotoKey, ad: Uint8Array, source: BlobSource): Promise<StoredBlob> {
    const upload = toBase64Url(randomBytes(12));
    // The ciphertext is padded to a bucket (crypto/FORMATS.md "Blob v2"): what is stored here,
    // sent to peers and handed to the relay is that size, never the photo's own.
    const encryptor = createBlobEncryptor(key, ad, sourceSize(source));
    const hasher = createContentHasher();
    hasher.update(encryptor.header);
    await this.#storage.save(chunkKey(upload, 0), encryptor.header);
    let size = encryptor.header.length;
    let chunks = 0;
    const keep = async (sealed: Uint8Array) => {
      hasher.update(sealed);
      size += sealed.length;
      await this.#storage.save(chunkKey(upload, ++chunks), sealed);
    };
    for await (const piece of readPieces(source)) {
      for (const sealed of encryptor.push(piece)) await keep(sealed);
    }
    for (const sealed of encryptor.end()) await keep(sealed);
    const id = hasher.digest();
    if (await this.#head(id)) {
      await this.#storage.removeRange(['blob-chunk', upload]);
    } else {
      await this.#storage.save(['blob', id], utf8(JSON.stringify({ upload, chunks, size } satisfies Head)));
    }
    return { id, size, chunks };
  }

  async has(id: string): Promise<boolean> {
    return (await this.#head(id)) !== undefined;
  }

  /** Decrypts chunk by chunk into `onChunk`; fails if any chunk, the end or the hash is wrong. */
  async read(id: string, key: PhotoKey, ad: Uint8Array, onChunk: (plain: Uint8Array) => void | Promise<void>): Promise<BlobResult<{ bytes: number }>> {
    const head = await this.#head(id);
    if (!head) return { ok: false, error: { code: 'E_BLOB_MISSING', message: `no blob ${id} on this device` } };
    const hasher = createContentHasher();
    const header = await this.#storage.load(chunkKey(head.upload, 0));
    if (!header) return { ok: false, error: { code: 'E_TRUNCATED', message: 'blob header is missing' } };
    hasher.update(header);
    const decryptor = createBlobDecryptor(key, header, ad);
    if (!decryptor.ok) return decryptor;
    let bytes = 0;
    for (let i = 1; i <= head.chunks; i++) {
      const sealed = await this.#storage.load(chunkKey(head.upload, i));
      if (!sealed) return { ok: false, error: { code: 'E_TRUNCATED', message: `blob chunk ${i} of ${head.chunks} is missing` } };
      hasher.update(sealed);
      const opened = decryptor.value.pull(sealed);
      if (!opened.ok) return opened;
      bytes += opened.value.plaintext.length;
      await onChunk(opened.value.plaintext);
    }
    const finished = decryptor.value.finish();
    if (!finished.ok) return finished;
    if (hasher.digest() !== id) return { ok: false, error: { code: 'E_HASH_MISMATCH', message: 'blob ciphertext does not match its address' } };
    return { ok: true, value: { bytes } };
  }

  /** Whole plaintext, for small blobs such as thumbnails. */
  async readAll(id: string, key: PhotoKey, ad: Uint8Array): Promise<BlobResult<Uint8Array>> {
    const parts: Uint8Array[] = [];
    const read = await this.read(id, key, ad, (chunk) => void parts.push(chunk));
    if (!read.ok) return read;
    const out = new Uint8Array(read.value.bytes);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return { ok: true, value: out };
  }

  /** Size and piece count (blob-layout.ts) of a stored blob. */
  async stat(id: string): Promise<{ size: number; pieces: number } | undefined> {
    const head = await this.#head(id);
    return head && { size: head.size, pieces: head.chunks + 1 };
  }

  /** Raw ciphertext piece `index` (0 = header) of a stored blob, to send as it is. */
  async readPiece(id: string, index: number): Promise<Uint8Array | undefined> {
    const head = await this.#head(id);
    if (!head || !Number.isSafeInteger(index) || index < 0 || index > head.chunks) return undefined;
    return this.#storage.load(chunkKey(head.upload, index));
  }

  /** How far a transfer of blob `id` got (undefined: none under way). */
  async incoming(id: string): Promise<IncomingBlob | undefined> {
    const bytes = await this.#storage.load(incomingKey(id));
    if (!bytes) return undefined;
    try {
      const value: unknown = JSON.parse(fromUtf8(bytes));
      if (isIncoming(value)) return value;
    } catch {
      // Damaged progress: start over.
    }
    return undefined;
  }

  /**
   * Stores ciphertext piece `index` of blob `id` (`size` bytes in all) received from a peer
   * or the relay. Pieces come in order, each exactly as long as the layout says
   * (E_BLOB_PIECE otherwise). After the last, the whole ciphertext is hashed: only if it
   * hashes to `id` is the head written and the blob readable; otherwise every piece is
   * deleted and the result is E_HASH_MISMATCH.
   * Note: pieces are kept under the blob's id rather than a random upload name, so a
   * transfer resumes where it stopped, also after a reload.
   */
  async receivePiece(id: string, size: number, index: number, piece: Uint8Array): Promise<BlobResult<{ complete: boolean }>> {
    if (!BLOB_ID.test(id) || !isBlobSize(size)) return pieceError(`bad blob id or size ${size}`);
    if (await this.#head(id)) return { ok: true, value: { complete: true } };
    const progress = (await this.incoming(id)) ?? { size, next: 0 };
    if (progress.size !== size || index !== progress.next) {
      return pieceError(`expected piece ${progress.next} of a ${progress.size}-byte blob, got piece ${index} of ${size}`);
    }
    if (piece.length !== pieceLength(size, index)) return pieceError(`piece ${index} has ${piece.length} bytes, not ${pieceLength(size, index)}`);
    await this.#storage.save(chunkKey(id, index), piece);
    const pieces = pieceCount(size);
    if (index + 1 < pieces) {
      await this.#storage.save(incomingKey(id), utf8(JSON.stringify({ size, next: index + 1 } satisfies IncomingBlob)));
      return { ok: true, value: { complete: false } };
    }
    const hasher = createContentHasher();
    for (let i = 0; i < pieces; i++) hasher.update((await this.#storage.load(chunkKey(id, i))) ?? new Uint8Array(0));
    const actual = hasher.digest();
    if (actual !== id) {
      await this.abandonIncoming(id);
      return { ok: false, error: { code: 'E_HASH_MISMATCH', message: `received ciphertext hashes to ${actual}, not ${id}` } };
    }
    await this.#storage.save(['blob', id], utf8(JSON.stringify({ upload: id, chunks: pieces - 1, size } satisfies Head)));
    await this.#storage.remove(incomingKey(id));
    return { ok: true, value: { complete: true } };
  }

  /** Forgets a transfer under way and its pieces. */
  async abandonIncoming(id: string): Promise<void> {
    if (!BLOB_ID.test(id) || (await this.#head(id))) return;
    await this.#storage.remove(incomingKey(id));
    await this.#storage.removeRange(['blob-chunk', id]);
  }

  /**
   * Blobs this device still has to hand to the relay of room `roomId` (one store serves
   * every notebook), so a reload resumes their upload.
   */
  async markOffer(roomId: string, id: string, pending: boolean): Promise<void> {
    if (!BLOB_ID.test(id)) return;
    if (pending) await this.#storage.save(offerKey(roomId, id), new Uint8Array(0));
    else await this.#storage.remove(offerKey(roomId, id));
  }

  /** Records that blob `id` belongs to room `roomId` (it was offered or fetched there). */
  async addToRoom(roomId: string, id: string): Promise<void> {
    if (BLOB_ID.test(id)) await this.#storage.save(roomKey(id, roomId), new Uint8Array(0));
  }

  /**
   * Whether peers of room `roomId` may be sent blob `id`: it belongs to that room, or to no
   * room on record (stored before blobs were recorded by room).
   * Note: one store holds every notebook's blobs, and a room's peers are whoever holds its
   * password; answering any blob let them fetch, or probe for, another notebook's photos.
   */
  async servesRoom(roomId: string, id: string): Promise<boolean> {
    if (!BLOB_ID.test(id)) return false;
    const rooms = await this.#storage.loadRange(['blob-room', id]);
    return rooms.length === 0 || rooms.some((row) => row.key[2] === roomId);
  }

  /**
   * Blobs stored here that belong to room `roomId` (offered, fetched or shown there): what
   * this device can put back on a relay that lacks them.
   * Note: room records are keyed by blob first (servesRoom asks by blob), so this reads
   * every room's records; they are empty values, a few per photo, read once per check.
   */
  async roomBlobs(roomId: string): Promise<string[]> {
    const rows = await this.#storage.loadRange(['blob-room']);
    const ids = rows.filter((row) => row.key[2] === roomId).map((row) => row.key[1] ?? '').filter((id) => BLOB_ID.test(id));
    const held = await Promise.all(ids.map(async (id) => ((await this.#head(id)) ? id : undefined)));
    return held.filter((id): id is string => id !== undefined);
  }

  async pendingOffers(roomId: string): Promise<string[]> {
    const rows = await this.#storage.loadRange(['blob-offer', roomId]);
    return rows.map((row) => row.key[2] ?? '').filter((id) => BLOB_ID.test(id));
  }

  async remove(id: string): Promise<void> {
    const head = await this.#head(id);
    await this.#storage.remove(['blob', id]);
    if (head) await this.#storage.removeRange(['blob-chunk', head.upload]);
    if (BLOB_ID.test(id)) await this.#storage.removeRange(['blob-room', id]);
  }

  async #head(id: string): Promise<Head | undefined> {
    const bytes = await this.#storage.load(['blob', id]);
    if (!bytes) return undefined;
    try {
      const head: unknown = JSON.parse(fromUtf8(bytes));
      if (isHead(head)) return head;
    } catch {
      // A damaged head reads as missing; the blob can be fetched again from a peer.
    }
    return undefined;
  }
}

function isHead(value: unknown): value is Head {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  // A local put names its pieces by a random 16-character upload; a received blob by its id.
  return typeof v.upload === 'string' && /^([A-Za-z0-9_-]{16}|[0-9a-f]{64})$/.test(v.upload) && Number.isSafeInteger(v.chunks) && Number.isSafeInteger(v.size);
}

function isIncoming(value: unknown): value is IncomingBlob {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.size === 'number' && isBlobSize(v.size) && Number.isSafeInteger(v.next) && (v.next as number) >= 0 && (v.next as number) < pieceCount(v.size);
}

function pieceError(message: string): BlobResult<never> {
  return { ok: false, error: { code: 'E_BLOB_PIECE', message } };
}
