import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface LedgerLimits {
  /** Rooms with anything stored (doc, blobs, write policy); a new one past this is refused. */
  readonly maxRooms: number;
  /** Bytes stored over all rooms, docs and blobs together. */
  readonly maxTotalBytes: number;
}

/**
 * What the whole relay stores: which rooms exist and how many bytes they hold together.
 * Note: per-room quotas alone do not bound a relay, since any 16-64 character id is a new
 * room. Rooms and bytes are counted from disk at start, then kept up to date as docs,
 * blobs and policies are written. Doc bytes are what LevelDB's directory holds (updates
 * are appended as they come; a room's are merged when it unloads, and then re-measured),
 * so the count errs high, never low.
 */
export class StorageLedger {
  readonly #limits: LedgerLimits;
  readonly #measureDocs: () => Promise<number>;
  readonly #rooms = new Set<string>();
  #docBytes = 0;
  #blobBytes = 0;

  /** `measureDocs`: what the docs take where they are stored (default: the size of `docsDir`). */
  constructor(limits: LedgerLimits, docsDir: string, measureDocs?: () => Promise<number>) {
    this.#limits = limits;
    this.#measureDocs = measureDocs ?? (() => directoryBytes(docsDir));
  }

  /** What the data directory held at start. */
  async seed(rooms: Iterable<string>, blobBytes: number): Promise<void> {
    for (const room of rooms) this.#rooms.add(room);
    this.#blobBytes = blobBytes;
    await this.remeasureDocs();
  }

  /** Blob bytes a shared blob store holds for every node (scale-out: S3, counted in PostgreSQL). */
  setBlobBytes(bytes: number): void {
    this.#blobBytes = bytes;
  }

  /** Rooms other relay nodes stored meanwhile (scale-out: they share the stores, hocus-relay.ts). */
  addStoredRooms(rooms: Iterable<string>): void {
    for (const room of rooms) this.#rooms.add(room);
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  get storedBytes(): number {
    return this.#docBytes + this.#blobBytes;
  }

  /**
   * True when `roomId` may store: it holds something already, or one more room fits (the
   * room is then counted from this first write on, until a restart recounts from disk).
   */
  claimRoom(roomId: string): boolean {
    if (this.#rooms.has(roomId)) return true;
    if (this.#rooms.size >= this.#limits.maxRooms) return false;
    this.#rooms.add(roomId);
    return true;
  }

  /** Whether `bytes` more fit the relay-wide budget (nothing is reserved). */
  fits(bytes: number): boolean {
    return this.storedBytes + bytes <= this.#limits.maxTotalBytes;
  }

  addDoc(bytes: number): void {
    this.#docBytes += bytes;
  }

  /** Reserves blob bytes as they stream in: false, and nothing reserved, past the budget. */
  reserveBlob(bytes: number): boolean {
    if (!this.fits(bytes)) return false;
    this.#blobBytes += bytes;
    return true;
  }

  releaseBlob(bytes: number): void {
    this.#blobBytes -= bytes;
  }

  /** Sets the doc part to what the store measures now (after a room's updates were merged). */
  async remeasureDocs(): Promise<void> {
    this.#docBytes = await this.#measureDocs();
  }
}

async function directoryBytes(path: string): Promise<number> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(child);
    else total += await stat(child).then((info) => info.size, () => 0);
  }
  return total;
}
