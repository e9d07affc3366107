import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand,
  CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type pg from 'pg';
import { createContentHasher, type ContentHasher } from '../../../crypto/index.ts';
import { PARTIAL_MAX_AGE_MS, type ContentRange } from './blob-files.ts';
import { conflict, mismatch, quotaFull, tooLarge, type BlobStorage, type PutBlobResult } from './blob-storage.ts';
import {
  appendChunk, blobRooms, blobSize, createBlobTables, dropStaleUploads, dropUpload, liveUploadIds, lockUpload, recordBlob, releaseReservation, reserveRoomBytes, type ReserveLimits,
  saveUpload, takeChunks, uploadOffset, type UploadPart,
} from './blob-upload-table.ts';

/** S3's smallest part but the last; a resumable upload keeps less than this in PostgreSQL. */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
/** A whole upload sends a part each time this much has arrived (bounds a request's memory). */
const WHOLE_PART_BYTES = 8 * 1024 * 1024;
/** Quota is reserved in steps of this while an upload without Content-Length streams. */
const RESERVE_STEP = 4 * 1024 * 1024;

export interface S3BlobStoreOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly pool: pg.Pool;
  readonly maxBlobBytes: number;
  readonly maxRoomBlobBytes: number;
  /** The relay-wide byte cap (`maxTotalBytes`), counted over every node's blobs and docs; none when absent. */
  readonly maxTotalBytes?: number;
}

/**
 * Blobs in S3-compatible object storage, shared by every relay node: an object's key is
 * `<roomId>/<hash>` and nothing else is set on it (no metadata, no content type). Which blobs
 * exist, uploads in progress and room quotas live in PostgreSQL (blob-upload-table.ts), so a
 * resumable upload cut at one node continues through another. A blob appears under its name
 * only after its bytes hashed to it: a whole upload hashes while it streams into a multipart
 * upload that is completed only on a match; a resumable one is assembled under
 * `<roomId>/<hash>.partial`, read back and hashed, then copied. (Ceph's CopyObject ignores
 * If-None-Match, so a copy may overwrite: harmless, the bytes are the same by their hash.)
 */
export class S3BlobStore implements BlobStorage {
  readonly #o: S3BlobStoreOptions;

  readonly #limits: ReserveLimits;

  private constructor(options: S3BlobStoreOptions) {
    this.#o = options;
    this.#limits = { room: options.maxRoomBlobBytes, ...(options.maxTotalBytes === undefined ? {} : { relay: options.maxTotalBytes }) };
  }

  /** The rooms that hold blobs (or tried to) and the blob bytes every node stored, for the relay's ledger. */
  stored(): Promise<{ rooms: string[]; bytes: number }> {
    return blobRooms(this.#o.pool);
  }

  static async open(options: S3BlobStoreOptions): Promise<S3BlobStore> {
    await createBlobTables(options.pool);
    await options.s3.send(new CreateBucketCommand({ Bucket: options.bucket })).catch((error: { name?: string }) => {
      if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
    });
    const store = new S3BlobStore(options);
    await store.sweep();
    return store;
  }

  /**
   * Run at every node's start: gives up resumable uploads nobody continued for a week (as
   * the disk store does), and aborts S3 multipart uploads that no upload in progress holds
   * and that are older than a day (a node died between creating one and recording it).
   */
  async sweep(maxAgeMs = PARTIAL_MAX_AGE_MS, orphanAgeMs = 24 * 3600 * 1000): Promise<number> {
    const stale = await dropStaleUploads(this.#o.pool, maxAgeMs);
    for (const { key, uploadId } of stale) await this.#abort(key, uploadId);
    const live = await liveUploadIds(this.#o.pool);
    const listed = await this.#o.s3.send(new ListMultipartUploadsCommand({ Bucket: this.#o.bucket }));
    let orphans = 0;
    for (const upload of listed.Uploads ?? []) {
      const old = (upload.Initiated?.getTime() ?? Date.now()) < Date.now() - orphanAgeMs;
      if (upload.Key && upload.UploadId && old && !live.has(upload.UploadId)) {
        await this.#abort(upload.Key, upload.UploadId);
        orphans++;
      }
    }
    return stale.length + orphans;
  }

  size(roomId: string, hash: string): Promise<number | undefined> {
    return blobSize(this.#o.pool, roomId, hash);
  }

  partialOffset(roomId: string, hash: string): Promise<number | undefined> {
    return uploadOffset(this.#o.pool, roomId, hash);
  }

  async read(roomId: string, hash: string, start: number, end: number): Promise<AsyncIterable<Uint8Array>> {
    const got = await this.#o.s3.send(new GetObjectCommand({ Bucket: this.#o.bucket, Key: `${roomId}/${hash}`, Range: `bytes=${start}-${end}` }));
    if (!got.Body) throw new Error('S3 sent no body');
    return got.Body as AsyncIterable<Uint8Array>;
  }

  async put(roomId: string, hash: string, body: AsyncIterable<Uint8Array>, declaredBytes?: number): Promise<PutBlobResult> {
    const max = this.#o.maxBlobBytes;
    if (declaredBytes !== undefined && declaredBytes > max) return tooLarge(max);
    const exists = (await this.size(roomId, hash)) !== undefined;
    let reserved = exists ? 0 : declaredBytes ?? 0;
    let reservation = reserved > 0 ? await reserveRoomBytes(this.#o.pool, roomId, reserved, this.#limits) : undefined;
    if (reserved > 0 && reservation === undefined) return quotaFull();
    const hasher = createContentHasher();
    const key = `${roomId}/${hash}`;
    let uploadId: string | undefined;
    const parts: UploadPart[] = [];
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let size = 0;
    let done = false;
    try {
      for await (const chunk of body) {
        if (size + chunk.byteLength > max) return tooLarge(max);
        size += chunk.byteLength;
        hasher.update(chunk);
        if (exists) continue;
        if (size > reserved) {
          const more = Math.max(RESERVE_STEP, size - reserved);
          reservation = await reserveRoomBytes(this.#o.pool, roomId, more, this.#limits, reservation);
          if (reservation === undefined) return quotaFull();
          reserved += more;
        }
        pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        pendingBytes += chunk.byteLength;
        if (pendingBytes >= WHOLE_PART_BYTES) {
          uploadId ??= await this.#createMultipart(key);
          parts.push(await this.#uploadPart(key, uploadId, parts.length + 1, Buffer.concat(pending)));
          pending = [];
          pendingBytes = 0;
        }
      }
      const actual = hasher.digest();
      done = true;
      if (actual !== hash) return mismatch(actual);
      if (exists) return { ok: true, created: false, size };
      if (uploadId === undefined) {
        await this.#putWhole(key, Buffer.concat(pending));
      } else {
        if (pendingBytes > 0) parts.push(await this.#uploadPart(key, uploadId, parts.length + 1, Buffer.concat(pending)));
        await this.#o.s3.send(new CompleteMultipartUploadCommand({ Bucket: this.#o.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
        uploadId = undefined;
      }
      const created = await recordBlob(this.#o.pool, roomId, hash, size);
      return { ok: true, created, size };
    } finally {
      if (!done) digestQuietly(hasher);
      if (uploadId !== undefined) await this.#abort(key, uploadId);
      await releaseReservation(this.#o.pool, reservation);
    }
  }

  async putPart(roomId: string, hash: string, range: ContentRange, body: AsyncIterable<Uint8Array>): Promise<PutBlobResult> {
    if (range.total > this.#o.maxBlobBytes) return tooLarge(this.#o.maxBlobBytes);
    const existing = await this.size(roomId, hash);
    if (existing !== undefined) return { ok: true, created: false, size: existing };
    const length = range.end - range.start + 1;
    const client = await this.#o.pool.connect();
    let reservation: string | undefined;
    try {
      await client.query('BEGIN');
      // The row lock makes one node at a time the writer of this upload; a node that dies
      // mid-part loses its connection, PostgreSQL rolls back, and the upload is where it was.
      const row = await lockUpload(client, roomId, hash, range.total, range.start === 0);
      const offset = row === 'busy' ? ((await this.partialOffset(roomId, hash)) ?? 0) : row === undefined ? 0 : row.flushed + row.tailBytes;
      if (row === 'busy' || row === undefined || range.start !== offset || range.total !== row.total) {
        await client.query('ROLLBACK');
        return conflict(offset);
      }
      reservation = await reserveRoomBytes(this.#o.pool, roomId, length, this.#limits);
      if (reservation === undefined) {
        await client.query('ROLLBACK');
        return quotaFull();
      }
      const chunks: Buffer[] = [];
      let written = 0;
      for await (const chunk of body) {
        if (written + chunk.byteLength > length) {
          await client.query('ROLLBACK');
          return { ok: false, status: 400, message: 'more bytes than Content-Range says' };
        }
        chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        written += chunk.byteLength;
      }
      if (written !== length) {
        await client.query('ROLLBACK');
        return { ok: false, status: 400, message: 'fewer bytes than Content-Range says' };
      }
      const last = range.end + 1 === range.total;
      const incoming = Buffer.concat(chunks);
      const staging = `${roomId}/${hash}.partial`;
      let { s3UploadId, flushed, tailBytes, parts } = row;
      if (last && s3UploadId === null) {
        // Small enough to have stayed in PostgreSQL whole: hash it here, store it once.
        const whole = Buffer.concat([...(await takeChunks(client, roomId, hash)), incoming]);
        const result = await this.#finishInMemory(client, roomId, hash, whole);
        await releaseReservation(client, reservation);
        await client.query('COMMIT');
        return result;
      }
      if (tailBytes + length >= S3_MIN_PART_BYTES || last) {
        const part = Buffer.concat([...(await takeChunks(client, roomId, hash)), incoming]);
        s3UploadId ??= await this.#createMultipart(staging);
        parts = [...parts, await this.#uploadPart(staging, s3UploadId, parts.length + 1, part)];
        flushed += part.byteLength;
        tailBytes = 0;
      } else {
        await appendChunk(client, roomId, hash, range.start, incoming);
        tailBytes += length;
      }
      if (!last) {
        await saveUpload(client, roomId, hash, { s3UploadId, flushed, tailBytes, parts });
        await releaseReservation(client, reservation);
        await client.query('COMMIT');
        return { ok: true, offset: range.end + 1 };
      }
      await this.#o.s3.send(new CompleteMultipartUploadCommand({ Bucket: this.#o.bucket, Key: staging, UploadId: s3UploadId ?? '', MultipartUpload: { Parts: parts } }));
      const result = await this.#finishStaged(client, roomId, hash, staging, range.total);
      await releaseReservation(client, reservation);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // The S3 upload the row names is gone (completed by a node that died before it could
      // commit, or aborted): what the row counts can never be completed, so start over.
      if ((error as { name?: string }).name !== 'NoSuchUpload') throw error;
      await this.#o.pool.query('DELETE FROM relay_blob_uploads WHERE room_id = $1 AND hash = $2', [roomId, hash]);
      return conflict(0);
    } finally {
      client.release();
      // Committed or rolled back, the bytes are counted by the rows now (or not at all).
      await releaseReservation(this.#o.pool, reservation).catch(() => undefined);
    }
  }

  async #finishInMemory(client: pg.PoolClient, roomId: string, hash: string, bytes: Buffer): Promise<PutBlobResult> {
    const hasher = createContentHasher();
    hasher.update(bytes);
    const actual = hasher.digest();
    await dropUpload(client, roomId, hash);
    if (actual !== hash) return mismatch(actual);
    await this.#putWhole(`${roomId}/${hash}`, bytes);
    return { ok: true, created: await recordBlob(client, roomId, hash, bytes.byteLength), size: bytes.byteLength };
  }

  /** Hashes the assembled staging object and copies it under its name only on a match. */
  async #finishStaged(client: pg.PoolClient, roomId: string, hash: string, staging: string, size: number): Promise<PutBlobResult> {
    const hasher = createContentHasher();
    const got = await this.#o.s3.send(new GetObjectCommand({ Bucket: this.#o.bucket, Key: staging }));
    try {
      for await (const chunk of got.Body as AsyncIterable<Uint8Array>) hasher.update(chunk);
    } catch (error) {
      digestQuietly(hasher);
      throw error;
    }
    const actual = hasher.digest();
    await dropUpload(client, roomId, hash);
    if (actual === hash && (await blobSize(client, roomId, hash)) === undefined) {
      await this.#o.s3.send(new CopyObjectCommand({ Bucket: this.#o.bucket, Key: `${roomId}/${hash}`, CopySource: `${this.#o.bucket}/${staging}`, MetadataDirective: 'REPLACE' }));
    }
    await this.#o.s3.send(new DeleteObjectCommand({ Bucket: this.#o.bucket, Key: staging }));
    if (actual !== hash) return mismatch(actual);
    return { ok: true, created: await recordBlob(client, roomId, hash, size), size };
  }

  /** One object, refused by S3 if one already has the name (412: then it holds these bytes). */
  async #putWhole(key: string, bytes: Buffer): Promise<void> {
    await this.#o.s3.send(new PutObjectCommand({ Bucket: this.#o.bucket, Key: key, Body: bytes, IfNoneMatch: '*' })).catch((error: { $metadata?: { httpStatusCode?: number } }) => {
      if (error.$metadata?.httpStatusCode !== 412) throw error;
    });
  }

  async #createMultipart(key: string): Promise<string> {
    const created = await this.#o.s3.send(new CreateMultipartUploadCommand({ Bucket: this.#o.bucket, Key: key }));
    if (!created.UploadId) throw new Error('S3 gave no upload id');
    return created.UploadId;
  }

  async #uploadPart(key: string, uploadId: string, partNumber: number, bytes: Buffer): Promise<UploadPart> {
    const sent = await this.#o.s3.send(new UploadPartCommand({ Bucket: this.#o.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: bytes }));
    if (!sent.ETag) throw new Error('S3 gave no ETag for a part');
    return { PartNumber: partNumber, ETag: sent.ETag };
  }

  async #abort(key: string, uploadId: string): Promise<void> {
    await this.#o.s3.send(new AbortMultipartUploadCommand({ Bucket: this.#o.bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
  }
}

function digestQuietly(hasher: ContentHasher): void {
  try {
    hasher.digest();
  } catch {
    // digested already
  }
}
