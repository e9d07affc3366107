import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createContentHasher } from '../../../crypto/index.ts';

export type PutBlobResult =
  | { readonly ok: true; readonly created: boolean; readonly size: number }
  | { readonly ok: false; readonly status: 413 | 422 | 507; readonly message: string };

export interface RelayBlobStoreOptions {
  readonly dir: string;
  readonly maxBlobBytes: number;
  readonly maxRoomBlobBytes: number;
}

interface Usage {
  stored: number;
  /** Bytes of uploads in flight, counted against the quota as they arrive. */
  inFlight: number;
}

const TEMP_PREFIX = '.upload-';

/**
 * Content-addressed blob files: `<dir>/<roomId>/<hash>`. An upload streams into a temp
 * file in the same directory while BLAKE2b-256 runs over it, is fsynced, and is renamed
 * into place only if the hash is its name, so a reader never sees a partial or wrong blob.
 * The caller validates room id and hash before any path is built from them.
 */
export class RelayBlobStore {
  readonly #o: RelayBlobStoreOptions;
  readonly #usage = new Map<string, Promise<Usage>>();

  constructor(options: RelayBlobStoreOptions) {
    this.#o = options;
  }

  path(roomId: string, hash: string): string {
    return join(this.#o.dir, roomId, hash);
  }

  async put(roomId: string, hash: string, body: AsyncIterable<Uint8Array>, declaredBytes?: number): Promise<PutBlobResult> {
    const { maxBlobBytes, maxRoomBlobBytes } = this.#o;
    if (declaredBytes !== undefined && declaredBytes > maxBlobBytes) return tooLarge(maxBlobBytes);
    const usage = await this.#usageOf(roomId);
    const overQuota = (extra: number) => usage.stored + usage.inFlight + extra > maxRoomBlobBytes;
    if (declaredBytes !== undefined && overQuota(declaredBytes)) return quotaFull();
    const temp = join(this.#o.dir, roomId, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`);
    const file = await open(temp, 'wx');
    const hasher = createContentHasher();
    let size = 0;
    let renamed = false;
    try {
      for await (const chunk of body) {
        if (size + chunk.byteLength > maxBlobBytes) return tooLarge(maxBlobBytes);
        if (overQuota(chunk.byteLength)) return quotaFull();
        size += chunk.byteLength;
        usage.inFlight += chunk.byteLength;
        hasher.update(chunk);
        await file.write(chunk);
      }
      const actual = hasher.digest();
      if (actual !== hash) return { ok: false, status: 422, message: `content hash is ${actual}` };
      await file.sync();
      const target = this.path(roomId, hash);
      const existed = await stat(target).then(() => true, () => false);
      if (!existed) {
        await rename(temp, target);
        renamed = true;
        usage.stored += size;
      }
      return { ok: true, created: !existed, size };
    } finally {
      usage.inFlight -= size;
      await file.close();
      if (!renamed) await unlink(temp).catch(() => undefined);
      // libsodium frees the hash state only in final; an aborted upload must still call it.
      try {
        hasher.digest();
      } catch {
        // already digested
      }
    }
  }

  /** Counts a room's stored bytes once (and removes temp files an earlier process left). */
  #usageOf(roomId: string): Promise<Usage> {
    let usage = this.#usage.get(roomId);
    if (!usage) {
      usage = scanRoom(join(this.#o.dir, roomId));
      this.#usage.set(roomId, usage);
      usage.catch(() => this.#usage.delete(roomId));
    }
    return usage;
  }
}

async function scanRoom(dir: string): Promise<Usage> {
  await mkdir(dir, { recursive: true });
  let stored = 0;
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (name.startsWith(TEMP_PREFIX)) await unlink(path).catch(() => undefined);
    else stored += (await stat(path)).size;
  }
  return { stored, inFlight: 0 };
}

const tooLarge = (max: number): PutBlobResult => ({ ok: false, status: 413, message: `a blob may hold at most ${max} bytes` });
const quotaFull = (): PutBlobResult => ({ ok: false, status: 507, message: 'this room has no blob space left' });
