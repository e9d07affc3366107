import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createContentHasher } from '../../../crypto/index.ts';

/** A whole upload in progress; removed when the process restarts (nothing can resume it). */
export const TEMP_PREFIX = '.upload-';
/** A resumable upload's bytes so far (`.partial-<hash>`); kept across restarts. */
export const PARTIAL_PREFIX = '.partial-';
/** A resumable upload nobody continued for this long is given up. */
export const PARTIAL_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** `Content-Range: bytes <start>-<end>/<total>` of one part of a resumable upload. */
export interface ContentRange {
  readonly start: number;
  readonly end: number;
  readonly total: number;
}

export function parseContentRange(header: string): ContentRange | undefined {
  const match = /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15})$/.exec(header.trim());
  if (!match) return undefined;
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return start <= end && end < total ? { start, end, total } : undefined;
}

/**
 * A single `Range: bytes=...` of a download (first-last, first-, or -suffix), so a broken
 * download continues where it stopped. Undefined means serve the whole blob (no header,
 * or one we do not support such as several ranges, which RFC 9110 lets a server ignore).
 */
export function parseByteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [first, last] = [match[1] ?? '', match[2] ?? ''];
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return start >= size || start > end ? 'unsatisfiable' : { start, end };
}

/** BLAKE2b-256 hex of a file, read in chunks (a completed resumable upload is checked whole). */
export async function hashFile(path: string): Promise<string> {
  const hasher = createContentHasher();
  try {
    for await (const chunk of createReadStream(path)) hasher.update(chunk as Buffer);
  } catch (error) {
    hasher.digest();
    throw error;
  }
  return hasher.digest();
}

export async function sizeOf(path: string): Promise<number | undefined> {
  return stat(path).then((info) => info.size, () => undefined);
}

/**
 * Bytes a room's directory holds (blobs and resumable parts), after removing temp files an
 * earlier process left and resumable parts abandoned for a week.
 */
export async function scanRoom(dir: string, now = Date.now()): Promise<number> {
  await mkdir(dir, { recursive: true });
  let stored = 0;
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const info = await stat(path);
    const stale = name.startsWith(TEMP_PREFIX) || (name.startsWith(PARTIAL_PREFIX) && now - info.mtimeMs > PARTIAL_MAX_AGE_MS);
    if (stale) await unlink(path).catch(() => undefined);
    else stored += info.size;
  }
  return stored;
}
