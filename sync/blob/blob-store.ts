import {
  BLOB_CHUNK_PLAIN,
  createBlobDecryptor,
  createBlobEncryptor,
  createContentHasher,
  fromUtf8,
  randomBytes,
  toBase64Url,
  utf8,
  type CryptoErrorCode,
  type PhotoKey,
} from '../../crypto/index.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { fixedChunks, readPieces, type BlobSource } from './blob-source.ts';

export type BlobErrorCode = CryptoErrorCode | 'E_BLOB_MISSING';
export type BlobResult<T> = { ok: true; value: T } | { ok: false; error: { code: BlobErrorCode; message: string } };

export interface StoredBlob {
  /** BLAKE2b-256 (hex) of the ciphertext: header followed by every chunk. */
  readonly id: string;
  /** Ciphertext bytes. */
  readonly size: number;
  readonly chunks: number;
}

interface Head {
  readonly upload: string;
  readonly chunks: number;
  readonly size: number;
}

const chunkKey = (upload: string, index: number) => ['blob-chunk', upload, String(index).padStart(9, '0')];

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
    const encryptor = createBlobEncryptor(key, ad);
    const hasher = createContentHasher();
    hasher.update(encryptor.header);
    await this.#storage.save(chunkKey(upload, 0), encryptor.header);
    let size = encryptor.header.length;
    let chunks = 0;
    for await (const { chunk, last } of fixedChunks(readPieces(source), BLOB_CHUNK_PLAIN)) {
      const sealed = encryptor.push(chunk, last);
      hasher.update(sealed);
      size += sealed.length;
      await this.#storage.save(chunkKey(upload, ++chunks), sealed);
    }
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

  async remove(id: string): Promise<void> {
    const head = await this.#head(id);
    await this.#storage.remove(['blob', id]);
    if (head) await this.#storage.removeRange(['blob-chunk', head.upload]);
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
  return typeof v.upload === 'string' && /^[A-Za-z0-9_-]{16}$/.test(v.upload) && Number.isSafeInteger(v.chunks) && Number.isSafeInteger(v.size);
}
