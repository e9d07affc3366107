import type pg from 'pg';
import { createTablesOnce } from './pg-create-tables.ts';

/**
 * The blob store's shared state in PostgreSQL (s3-blob-store.ts), so every relay node sees
 * the same blobs, uploads and room quotas. Rows hold room ids, hashes, sizes, S3 upload ids
 * and part ETags, and the ciphertext of a resumable upload's unfinished tail (under one S3
 * part, 5 MiB, one row per part the client sent); never anything a device did not send as ciphertext (RELAY.md "What each store learns").
 */
export const BLOB_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS relay_blobs (
  room_id text NOT NULL, hash text NOT NULL, size bigint NOT NULL,
  PRIMARY KEY (room_id, hash));
CREATE TABLE IF NOT EXISTS relay_blob_uploads (
  room_id text NOT NULL, hash text NOT NULL, total bigint NOT NULL,
  s3_upload_id text, flushed bigint NOT NULL DEFAULT 0, tail_bytes bigint NOT NULL DEFAULT 0,
  parts jsonb NOT NULL DEFAULT '[]', updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room_id, hash));
CREATE TABLE IF NOT EXISTS relay_blob_upload_chunks (
  room_id text NOT NULL, hash text NOT NULL, start bigint NOT NULL, bytes bytea NOT NULL,
  PRIMARY KEY (room_id, hash, start),
  FOREIGN KEY (room_id, hash) REFERENCES relay_blob_uploads ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS relay_blob_rooms (room_id text PRIMARY KEY);
CREATE TABLE IF NOT EXISTS relay_blob_reservations (
  id bigserial PRIMARY KEY, room_id text NOT NULL, bytes bigint NOT NULL, expires_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS relay_blob_reservations_room ON relay_blob_reservations (room_id);
`;

/** A reservation a node that died never released stops counting after this long. */
export const RESERVATION_TTL_SECONDS = 600;

export interface UploadPart {
  readonly PartNumber: number;
  readonly ETag: string;
}

export interface UploadRow {
  readonly total: number;
  readonly s3UploadId: string | null;
  readonly flushed: number;
  /** Bytes after `flushed`, kept as chunk rows until they make an S3 part. */
  readonly tailBytes: number;
  readonly parts: UploadPart[];
}

/** Creates the tables once; safe when several nodes start together. */
export async function createBlobTables(pool: pg.Pool): Promise<void> {
  await createTablesOnce(pool, 15015, BLOB_TABLES_SQL);
}

export async function blobSize(db: pg.Pool | pg.PoolClient, roomId: string, hash: string): Promise<number | undefined> {
  const { rows } = await db.query<{ size: string }>('SELECT size FROM relay_blobs WHERE room_id = $1 AND hash = $2', [roomId, hash]);
  return rows[0] === undefined ? undefined : Number(rows[0].size);
}

export async function uploadOffset(db: pg.Pool | pg.PoolClient, roomId: string, hash: string): Promise<number | undefined> {
  const { rows } = await db.query<{ offset: string }>(
    'SELECT flushed + tail_bytes AS offset FROM relay_blob_uploads WHERE room_id = $1 AND hash = $2', [roomId, hash]);
  return rows[0] === undefined ? undefined : Number(rows[0].offset);
}

/**
 * Locks the upload's row for this transaction, creating it if `create`; undefined when
 * another node holds it (NOWAIT: a second writer of one upload is told to come back).
 */
export async function lockUpload(client: pg.PoolClient, roomId: string, hash: string, total: number, create: boolean): Promise<UploadRow | 'busy' | undefined> {
  if (create) {
    await client.query('INSERT INTO relay_blob_uploads (room_id, hash, total) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [roomId, hash, total]);
  }
  try {
    const { rows } = await client.query<{ total: string; s3_upload_id: string | null; flushed: string; tail_bytes: string; parts: UploadPart[] }>(
      'SELECT total, s3_upload_id, flushed, tail_bytes, parts FROM relay_blob_uploads WHERE room_id = $1 AND hash = $2 FOR UPDATE NOWAIT', [roomId, hash]);
    const row = rows[0];
    return row && { total: Number(row.total), s3UploadId: row.s3_upload_id, flushed: Number(row.flushed), tailBytes: Number(row.tail_bytes), parts: row.parts };
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') return 'busy';
    throw error;
  }
}

export async function saveUpload(client: pg.PoolClient, roomId: string, hash: string, row: Omit<UploadRow, 'total'>): Promise<void> {
  await client.query(
    'UPDATE relay_blob_uploads SET s3_upload_id = $3, flushed = $4, tail_bytes = $5, parts = $6, updated_at = now() WHERE room_id = $1 AND hash = $2',
    [roomId, hash, row.s3UploadId, row.flushed, row.tailBytes, JSON.stringify(row.parts)]);
}

/** Keeps one part's bytes until the tail makes an S3 part: each part is written once. */
export async function appendChunk(client: pg.PoolClient, roomId: string, hash: string, start: number, bytes: Buffer): Promise<void> {
  await client.query('INSERT INTO relay_blob_upload_chunks (room_id, hash, start, bytes) VALUES ($1, $2, $3, $4)', [roomId, hash, start, bytes]);
}

/** The tail's bytes in order, and forgets them (they become an S3 part in this transaction). */
export async function takeChunks(client: pg.PoolClient, roomId: string, hash: string): Promise<Buffer[]> {
  const { rows } = await client.query<{ start: string; bytes: Buffer }>(
    'DELETE FROM relay_blob_upload_chunks WHERE room_id = $1 AND hash = $2 RETURNING start, bytes', [roomId, hash]);
  return rows.sort((a, b) => Number(a.start) - Number(b.start)).map((row) => row.bytes);
}

export async function dropUpload(client: pg.PoolClient, roomId: string, hash: string): Promise<void> {
  await client.query('DELETE FROM relay_blob_uploads WHERE room_id = $1 AND hash = $2', [roomId, hash]);
}

/** Records a verified blob; false when another upload of it got there first. */
export async function recordBlob(db: pg.Pool | pg.PoolClient, roomId: string, hash: string, size: number): Promise<boolean> {
  const result = await db.query('INSERT INTO relay_blobs (room_id, hash, size) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [roomId, hash, size]);
  return result.rowCount === 1;
}

/** What a reservation must fit: the room's blob quota and, when set, the relay-wide byte cap. */
export interface ReserveLimits {
  /** `maxRoomBlobBytes`: the room's blobs, uploads in progress and live reservations. */
  readonly room: number;
  /** `maxTotalBytes`: every room's blobs, uploads and reservations, plus the box updates table. */
  readonly relay?: number;
}

/** Held while a reservation checks the relay-wide cap: such checks are serialized across nodes. */
const RELAY_TOTAL_LOCK = 15016;

/**
 * Reserves `bytes` of the room's quota (and of the relay-wide cap) for an upload about to
 * stream, or grows reservation `id`. The room's row is locked only for this short
 * transaction, so quota checks of one room are serialized across nodes while uploads
 * themselves run side by side; with a relay-wide cap, every reservation also takes one
 * transaction lock, so two nodes cannot both take the last bytes of the relay. Docs count
 * as the box update table's size (errs high, as LevelDB's directory does on one node).
 * Returns the reservation's id, or undefined when the bytes do not fit.
 */
export async function reserveRoomBytes(pool: pg.Pool, roomId: string, bytes: number, max: ReserveLimits, id?: string): Promise<string | undefined> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (max.relay !== undefined) await client.query('SELECT pg_advisory_xact_lock($1)', [RELAY_TOTAL_LOCK]);
    await client.query('INSERT INTO relay_blob_rooms (room_id) VALUES ($1) ON CONFLICT DO NOTHING', [roomId]);
    await client.query('SELECT 1 FROM relay_blob_rooms WHERE room_id = $1 FOR UPDATE', [roomId]);
    const { rows } = await client.query<{ used: string }>(`SELECT
      (SELECT coalesce(sum(size), 0) FROM relay_blobs WHERE room_id = $1)
      + (SELECT coalesce(sum(flushed + tail_bytes), 0) FROM relay_blob_uploads WHERE room_id = $1)
      + (SELECT coalesce(sum(bytes), 0) FROM relay_blob_reservations WHERE room_id = $1 AND expires_at > now()) AS used`, [roomId]);
    const relayUsed = max.relay === undefined ? 0 : await storedBytes(client, true);
    if (Number(rows[0]?.used ?? 0) + bytes > max.room || (max.relay !== undefined && relayUsed + bytes > max.relay)) {
      await client.query('ROLLBACK');
      return undefined;
    }
    const expires = `now() + interval '${RESERVATION_TTL_SECONDS} seconds'`;
    const result = id === undefined
      ? await client.query<{ id: string }>(`INSERT INTO relay_blob_reservations (room_id, bytes, expires_at) VALUES ($1, $2, ${expires}) RETURNING id`, [roomId, bytes])
      : await client.query<{ id: string }>(`UPDATE relay_blob_reservations SET bytes = bytes + $2, expires_at = ${expires} WHERE id = $1 RETURNING id`, [id, bytes]);
    await client.query('COMMIT');
    return result.rows[0]?.id;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Bytes the relay's shared stores hold: every blob, upload in progress and (with
 * `reservations`) live reservation, plus the box update table when this database has one.
 */
export async function storedBytes(db: pg.Pool | pg.PoolClient, reservations: boolean): Promise<number> {
  const { rows } = await db.query<{ used: string }>(`SELECT
    (SELECT coalesce(sum(size), 0) FROM relay_blobs)
    + (SELECT coalesce(sum(flushed + tail_bytes), 0) FROM relay_blob_uploads)
    + ${reservations ? '(SELECT coalesce(sum(bytes), 0) FROM relay_blob_reservations WHERE expires_at > now())' : '0'}
    + coalesce(pg_total_relation_size(to_regclass('relay_box_updates')), 0) AS used`);
  return Number(rows[0]?.used ?? 0);
}

/** Blob bytes only (blobs and uploads in progress), and the rooms that hold or held some. */
export async function blobRooms(db: pg.Pool): Promise<{ rooms: string[]; bytes: number }> {
  const [rooms, bytes] = await Promise.all([
    db.query<{ room_id: string }>('SELECT room_id FROM relay_blob_rooms'),
    db.query<{ used: string }>(`SELECT
      (SELECT coalesce(sum(size), 0) FROM relay_blobs) + (SELECT coalesce(sum(flushed + tail_bytes), 0) FROM relay_blob_uploads) AS used`),
  ]);
  return { rooms: rooms.rows.map((row) => row.room_id), bytes: Number(bytes.rows[0]?.used ?? 0) };
}

/** Ends a reservation (inside the transaction that recorded its bytes, when there is one). */
export async function releaseReservation(db: pg.Pool | pg.PoolClient, id: string | undefined): Promise<void> {
  if (id !== undefined) await db.query('DELETE FROM relay_blob_reservations WHERE id = $1', [id]);
}

/**
 * Forgets uploads nobody continued for `maxAgeMs` (as the disk store does with its partial
 * files): their rows, and the S3 upload ids they held, which the caller aborts.
 */
export async function dropStaleUploads(pool: pg.Pool, maxAgeMs: number): Promise<{ key: string; uploadId: string }[]> {
  const { rows } = await pool.query<{ room_id: string; hash: string; s3_upload_id: string | null }>(
    `DELETE FROM relay_blob_uploads WHERE updated_at < now() - ($1::bigint * interval '1 millisecond') RETURNING room_id, hash, s3_upload_id`, [maxAgeMs]);
  return rows.flatMap((row) => (row.s3_upload_id === null ? [] : [{ key: `${row.room_id}/${row.hash}.partial`, uploadId: row.s3_upload_id }]));
}

/** The S3 upload ids that uploads in progress hold (any other is left over from a node that died). */
export async function liveUploadIds(pool: pg.Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ id: string }>('SELECT s3_upload_id AS id FROM relay_blob_uploads WHERE s3_upload_id IS NOT NULL');
  return new Set(rows.map((row) => row.id));
}

