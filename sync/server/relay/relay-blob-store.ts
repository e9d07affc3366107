import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createContentHasher, type ContentHasher } from '../../../crypto/index.ts';
import { hashFile, PARTIAL_PREFIX, scanRoom, sizeOf, TEMP_PREFIX, type ContentRange } from './blob-files.ts';
import { conflict, mismatch, quotaFull, tooLarge, type BlobStorage, type PutBlobResult } from './blob-storage.ts';
import { isRoomId } from './relay-limits.ts';

export type { PutBlobResult } from './blob-storage.ts';

/** The relay-wide byte budget (storage-ledger.ts) that blob bytes are reserved from as they arrive. */
export interface BlobBudget {
  fits(bytes: number): boolean;
  reserveBlob(bytes: number): boolean;
  releaseBlob(bytes: number): void;
}

export interface RelayBlobStoreOptions {
  readonly dir: string;
  readonly maxBlobBytes: number;
  readonly maxRoomBlobBytes: number;
  readonly budget: BlobBudget;
}

/** Bytes on disk (blobs and parts) plus whole uploads in flight, per room. */
interface Usage {
  stored: number;
  inFlight: number;
}

/**
 * Content-addressed blob files: `<dir>/<roomId>/<hash>`. Bytes stream to a temp file (or a
 * resumable part file) in the same directory while BLAKE2b-256 runs over them, are fsynced,
 * and are renamed into place only if the hash is the name, so a reader never sees a partial
 * or wrong blob. Callers validate room id and hash before any path is built from them.
 */
export class RelayBlobStore implements BlobStorage {
  readonly #o: RelayBlobStoreOptions;
  readonly #usage = new Map<string, Promise<Usage>>();
  /** Resumable uploads with a part being written: a second writer would interleave bytes. */
  readonly #busy = new Set<string>();

  constructor(options: RelayBlobStoreOptions) {
    this.#o = options;
  }

  /**
   * Counts every room's blob bytes (removing what an earlier process left half written),
   * once at start: the rooms holding any, and their bytes together.
   */
  async scanAll(): Promise<{ rooms: string[]; bytes: number }> {
    const rooms: string[] = [];
    let bytes = 0;
    for (const name of await readdir(this.#o.dir)) {
      if (!isRoomId(name)) continue;
      const stored = await scanRoom(join(this.#o.dir, name));
      this.#usage.set(name, Promise.resolve({ stored, inFlight: 0 }));
      if (stored > 0) rooms.push(name);
      bytes += stored;
    }
    return { rooms, bytes };
  }

  path(roomId: string, hash: string): string {
    return join(this.#o.dir, roomId, hash);
  }

  async size(roomId: string, hash: string): Promise<number | undefined> {
    const info = await stat(this.path(roomId, hash)).catch(() => undefined);
    return info?.isFile() ? info.size : undefined;
  }

  async read(roomId: string, hash: string, start: number, end: number): Promise<AsyncIterable<Uint8Array>> {
    return createReadStream(this.path(roomId, hash), { start, end });
  }

  /** How many bytes of a resumable upload the relay holds (undefined: none). */
  partialOffset(roomId: string, hash: string): Promise<number | undefined> {
    return sizeOf(join(this.#o.dir, roomId, `${PARTIAL_PREFIX}${hash}`));
  }

  async put(roomId: string, hash: string, body: AsyncIterable<Uint8Array>, declaredBytes?: number): Promise<PutBlobResult> {
    if (declaredBytes !== undefined && declaredBytes > this.#o.maxBlobBytes) return tooLarge(this.#o.maxBlobBytes);
    const usage = await this.#usageOf(roomId);
    if (declaredBytes !== undefined && (this.#overQuota(usage, declaredBytes) || !this.#o.budget.fits(declaredBytes))) return quotaFull();
    const temp = join(this.#o.dir, roomId, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`);
    const file = await open(temp, 'wx');
    const hasher = createContentHasher();
    let size = 0;
    let kept = false;
    try {
      for await (const chunk of body) {
        if (size + chunk.byteLength > this.#o.maxBlobBytes) return tooLarge(this.#o.maxBlobBytes);
        if (this.#overQuota(usage, chunk.byteLength) || !this.#o.budget.reserveBlob(chunk.byteLength)) return quotaFull();
        size += chunk.byteLength;
        usage.inFlight += chunk.byteLength;
        hasher.update(chunk);
        await file.write(chunk);
      }
      const actual = hasher.digest();
      if (actual !== hash) return mismatch(actual);
      await file.sync();
      const created = await this.#place(temp, roomId, hash);
      kept = created;
      if (created) usage.stored += size;
      return { ok: true, created, size };
    } finally {
      usage.inFlight -= size;
      if (!kept) this.#o.budget.releaseBlob(size);
      await file.close();
      if (!kept) await unlink(temp).catch(() => undefined);
      // libsodium frees the hash state only in final; an aborted upload must still call it.
      digestQuietly(hasher);
    }
  }

  /**
   * One part of a resumable upload (`Content-Range`). Parts must arrive in order; the one
   * that ends the blob triggers the hash check of the whole file and its rename into place.
   */
  async putPart(roomId: string, hash: string, range: ContentRange, body: AsyncIterable<Uint8Array>): Promise<PutBlobResult> {
    if (range.total > this.#o.maxBlobBytes) return tooLarge(this.#o.maxBlobBytes);
    const key = `${roomId}/${hash}`;
    // Claimed before the first await, so two requests can never append to one file at once.
    if (this.#busy.has(key)) return conflict((await this.partialOffset(roomId, hash)) ?? 0);
    this.#busy.add(key);
    try {
      const existing = await sizeOf(this.path(roomId, hash));
      if (existing !== undefined) return { ok: true, created: false, size: existing };
      return await this.#appendPart(roomId, hash, range, body);
    } finally {
      this.#busy.delete(key);
    }
  }

  async #appendPart(roomId: string, hash: string, range: ContentRange, body: AsyncIterable<Uint8Array>): Promise<PutBlobResult> {
    const offset = (await this.partialOffset(roomId, hash)) ?? 0;
    if (range.start !== offset) return conflict(offset);
    const length = range.end - range.start + 1;
    const usage = await this.#usageOf(roomId);
    if (this.#overQuota(usage, length) || !this.#o.budget.fits(length)) return quotaFull();
    const partial = join(this.#o.dir, roomId, `${PARTIAL_PREFIX}${hash}`);
    const file = await open(partial, 'a');
    let written = 0;
    let failure: PutBlobResult | undefined;
    try {
      for await (const chunk of body) {
        if (written + chunk.byteLength > length) failure = { ok: false, status: 400, message: 'more bytes than Content-Range says' };
        else if (this.#overQuota(usage, chunk.byteLength) || !this.#o.budget.reserveBlob(chunk.byteLength)) failure = quotaFull();
        if (failure) break;
        await file.write(chunk);
        written += chunk.byteLength;
        usage.stored += chunk.byteLength;
      }
      if (!failure && written !== length) failure = { ok: false, status: 400, message: 'fewer bytes than Content-Range says' };
      // A failed part leaves the upload where it was, so the client can send it again.
      if (failure) await file.truncate(offset);
      else await file.sync();
    } finally {
      if (failure) {
        usage.stored -= written;
        this.#o.budget.releaseBlob(written);
      }
      await file.close();
    }
    if (failure) return failure;
    if (range.end + 1 < range.total) return { ok: true, offset: range.end + 1 };
    const actual = await hashFile(partial);
    const created = actual === hash && (await this.#place(partial, roomId, hash));
    if (!created) {
      await unlink(partial).catch(() => undefined);
      usage.stored -= range.total;
      this.#o.budget.releaseBlob(range.total);
    }
    return actual === hash ? { ok: true, created, size: range.total } : mismatch(actual);
  }

  /** Renames a verified file to its hash; false (and nothing changes) if the blob exists. */
  async #place(from: string, roomId: string, hash: string): Promise<boolean> {
    const target = this.path(roomId, hash);
    if ((await sizeOf(target)) !== undefined) return false;
    await rename(from, target);
    return true;
  }

  #overQuota(usage: Usage, extra: number): boolean {
    return usage.stored + usage.inFlight + extra > this.#o.maxRoomBlobBytes;
  }

  /** Counts a room's bytes on disk once, then keeps the count up to date. */
  #usageOf(roomId: string): Promise<Usage> {
    let usage = this.#usage.get(roomId);
    if (!usage) {
      usage = scanRoom(join(this.#o.dir, roomId)).then((stored) => ({ stored, inFlight: 0 }));
      this.#usage.set(roomId, usage);
      usage.catch(() => this.#usage.delete(roomId));
    }
    return usage;
  }
}

function digestQuietly(hasher: ContentHasher): void {
  try {
    hasher.digest();
  } catch {
    // digested already
  }
}
