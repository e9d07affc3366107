import { StorageFullError } from '../storage/storage-adapter.ts';
import type { BlobLane } from '../transport/blob-lane.ts';
import type { BlobResult, BlobStore } from './blob-store.ts';
import { LaneBlobExchange } from './lane-blob-exchange.ts';
import { fetchBlob as fetchFromSources } from './fetch-blob.ts';
import type { PieceSource } from './piece-source.ts';
import { RelayBlobClient, type FetchLike } from './relay-blob-client.ts';
import { reconcileOnConnect, type RelayConnection } from './relay-reconcile.ts';

export type BlobPriority = 'thumb' | 'photo';

export type BlobSyncEvent =
  | { readonly type: 'pending' }
  /** A wanted blob arrived and can be read. */
  | { readonly type: 'stored'; readonly id: string }
  /** A peer came or went: a blob that was unavailable may be available now. */
  | { readonly type: 'sources' };

export interface BlobSyncOptions {
  readonly store: BlobStore;
  /** deriveRoomId of the notebook: the relay files its blobs under it. */
  readonly roomId: string;
  /** The relay's blob endpoint, e.g. `http://127.0.0.1:8080/relay-blobs`; none: peers only. */
  readonly blobsUrl?: string;
  /** The notebook's Replication.blobLane; none: relay only. */
  readonly lane?: BlobLane;
  readonly fetch?: FetchLike;
  /** The room's relay write token for uploads (Replication.relayWriteToken). */
  readonly capToken?: () => string | undefined;
  /** Pieces per relay request (default 16, about 1 MiB); tests make it small to cut transfers. */
  readonly relayPiecesPerRequest?: number;
  /** First wait before a source that dropped is tried again (doubles up to 15 s). */
  readonly retryMs?: number;
  /**
   * The notebook's relay connection (its Replication): each time it opens, the room's blobs
   * the relay lacks are uploaded again (relay-reconcile.ts), and wants that found nothing
   * are told to ask again (`sources`).
   */
  readonly relayConnection?: RelayConnection;
  /** Wait after the first connection before its check (default 2 s). */
  readonly reconcileDelayMs?: number;
  /** Downloads at a time with a relay (default MAX_DOWNLOADS); the sync bench sets 2 for the old behaviour. */
  readonly maxDownloads?: number;
}

export interface BlobSync {
  /**
   * Resolves once blob `id` is in the store (verified), or with E_BLOB_UNAVAILABLE when no
   * peer and not the relay has it (E_HASH_MISMATCH if some sent wrong bytes). Dropped
   * connections are retried, resuming where they stopped. Thumbnails go before photos, and
   * among each in the order they were wanted (the grid wants what it shows, top first).
   * `signal`: the caller no longer needs it (its card left the screen); once every caller
   * that wanted it has aborted, a want not yet begun leaves the queue with
   * E_BLOB_NOT_WANTED, so what is on screen is fetched first. A download under way ends.
   */
  want(id: string, priority: BlobPriority, signal?: AbortSignal): Promise<BlobResult<void>>;
  /**
   * A blob made on this device: uploaded to the relay in the background (also after a
   * reload); peers fetch it over the lane. Blobs fetched from a peer are offered too.
   */
  offer(id: string): void;
  pending(): { uploads: number; downloads: number };
  onChange(listener: (event: BlobSyncEvent) => void): () => void;
  destroy(): void;
}

interface Wanted {
  readonly id: string;
  priority: BlobPriority;
  readonly seq: number;
  readonly resolve: (result: BlobResult<void>) => void;
  readonly promise: Promise<BlobResult<void>>;
  /** Callers that still want it; Infinity once one asked without a signal. */
  interest: number;
}

/**
 * Downloads at a time with a relay: thumbnails in parallel (one relay request each), since
 * a new device's grid waited ~0.5 s per thumbnail two at a time (100 in 57 s, issue 18 §5).
 * Extra downloads go to the relay while every peer's two GET slots are taken.
 */
export const MAX_DOWNLOADS = 6;
/** Full photos at a time, and every download without a relay (a peer answers two GETs at a time). */
const PHOTO_DOWNLOADS = 2;
const MAX_RETRY_MS = 15_000;
/** Asking the relay again for blobs it lacked: 2 s, doubling to a minute (the owner may be putting them back). */
const MISSING_RETRY_MS = 2_000;
const MAX_MISSING_RETRY_MS = 60_000;
const RANK: Record<BlobPriority, number> = { thumb: 0, photo: 1 };
const BLOB_ID = /^[0-9a-f]{64}$/;

/**
 * Moves one notebook room's encrypted blobs between this device, its online peers (blob
 * lane) and the relay. Only ciphertext moves; what arrives is readable only after its
 * hash matched its id (BlobStore.receivePiece).
 */
export function createBlobSync(options: BlobSyncOptions): BlobSync {
  const { store } = options;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const relay = options.blobsUrl ? new RelayBlobClient(checkBlobsUrl(options.blobsUrl), options.roomId, fetchImpl, options.relayPiecesPerRequest, options.capToken) : undefined;
  const exchange = options.lane ? new LaneBlobExchange(options.lane, store, options.roomId, () => sourcesChanged()) : undefined;
  const retryMs = options.retryMs ?? 500;
  const listeners = new Set<(event: BlobSyncEvent) => void>();
  const wanted = new Map<string, Wanted>();
  const queue: Wanted[] = [];
  /** Waiting uploads, smallest first (stable): an import offers thumbnail, photo, thumbnail, ..., and the thumbnails are what other devices show first. */
  const uploads: { readonly id: string; readonly size: number }[] = [];
  let active = 0;
  let activePhotos = 0;
  const maxDownloads = relay ? Math.max(1, options.maxDownloads ?? MAX_DOWNLOADS) : PHOTO_DOWNLOADS;
  let uploading = false;
  let seq = 0;
  let closed = false;
  const sleepers = new Set<() => void>();

  const emit = (event: BlobSyncEvent) => listeners.forEach((listener) => {
    try {
      listener(event);
    } catch (error) {
      console.error('blob sync listener failed', error);
    }
  });
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sleepers.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    sleepers.add(done);
  });
  const sourcesChanged = () => {
    // A new peer may have what a waiting download needs: wake the waiters now.
    [...sleepers].forEach((done) => done());
    emit({ type: 'sources' });
  };
  const offPeers = options.lane?.onPeers(sourcesChanged);

  // A blob nobody had may reach the relay later (its owner uploads it, or puts it back on a
  // relay that lost it) and a relay-only device has no peer to announce that: so after a want
  // found nothing, `sources` is reported again after 2 s, doubling to a minute, for as long as
  // wants keep finding nothing (the UI asks again only for what it still shows).
  let missingTimer: ReturnType<typeof setTimeout> | undefined;
  let missingDelay = MISSING_RETRY_MS;
  const noteMissing = () => {
    if (closed || !relay || missingTimer !== undefined) return;
    missingTimer = setTimeout(() => {
      missingTimer = undefined;
      missingDelay = Math.min(missingDelay * 2, MAX_MISSING_RETRY_MS);
      if (!closed) emit({ type: 'sources' });
    }, missingDelay);
  };

  const sources = (): PieceSource[] => [...(exchange?.sources() ?? []), ...(relay ? [relay] : [])];

  async function fetchBlob(id: string): Promise<BlobResult<void>> {
    const fetched = await fetchFromSources(store, id, { sources, ...(relay ? { relay } : {}), isClosed: () => closed, sleep, retryMs });
    if (fetched.ok) await store.addToRoom(options.roomId, id);
    // Came from a peer: see that the relay has it too, for devices that come online later.
    if (fetched.ok && relay && fetched.value !== relay) offer(id);
    return fetched.ok ? { ok: true, value: undefined } : fetched;
  }

  function pumpDownloads(): void {
    queue.sort((a, b) => RANK[a.priority] - RANK[b.priority] || a.seq - b.seq);
    while (!closed && active < maxDownloads) {
      // Thumbnails take any free slot; full photos at most PHOTO_DOWNLOADS of them.
      const at = queue.findIndex((entry) => entry.priority === 'thumb' || activePhotos < PHOTO_DOWNLOADS);
      if (at < 0) break;
      const next = queue.splice(at, 1)[0]!;
      const photo = next.priority === 'photo';
      active++;
      if (photo) activePhotos++;
      void fetchBlob(next.id)
        .catch((error: unknown): BlobResult<void> => ({ ok: false, error: { code: error instanceof StorageFullError ? error.code : 'E_BLOB_UNAVAILABLE', message: String(error) } }))
        .then((result) => {
          active--;
          if (photo) activePhotos--;
          wanted.delete(next.id);
          next.resolve(result);
          if (!result.ok && result.error.code === 'E_BLOB_UNAVAILABLE') noteMissing();
          if (result.ok) missingDelay = MISSING_RETRY_MS;
          if (result.ok) emit({ type: 'stored', id: next.id });
          emit({ type: 'pending' });
          pumpDownloads();
        });
    }
  }

  /** Counts the caller's interest in `entry`; when the last one aborts before the download began, it leaves the queue. */
  function follow(entry: Wanted, signal: AbortSignal | undefined): void {
    if (!signal) {
      entry.interest = Infinity;
      return;
    }
    entry.interest++;
    signal.addEventListener('abort', () => {
      if (--entry.interest > 0) return;
      const at = queue.indexOf(entry);
      if (at < 0) return;
      queue.splice(at, 1);
      wanted.delete(entry.id);
      entry.resolve({ ok: false, error: { code: 'E_BLOB_NOT_WANTED', message: `blob ${entry.id} is no longer wanted` } });
      emit({ type: 'pending' });
    }, { once: true });
  }

  async function pumpUploads(): Promise<void> {
    if (uploading || !relay) return;
    uploading = true;
    try {
      for (let delay = retryMs; !closed && uploads.length > 0; ) {
        const { id } = uploads[0]!;
        const result = await relay.upload(store, id);
        if (result.kind === 'retry') {
          await sleep(delay);
          delay = Math.min(delay * 2, MAX_RETRY_MS);
          continue;
        }
        if (result.kind !== 'stored') console.warn(`blob ${id} was not uploaded to the relay: ${result.kind === 'refused' ? result.reason : result.kind}`);
        delay = retryMs;
        uploads.shift(); // Still first: enqueueUpload never puts anything ahead of it.
        await store.markOffer(options.roomId, id, false);
        emit({ type: 'pending' });
      }
    } finally {
      uploading = false;
    }
  }

  function enqueueUpload(id: string): void {
    if (closed || !relay) return;
    void store.stat(id).catch(() => undefined).then((stat) => {
      if (closed || uploads.some((upload) => upload.id === id)) return;
      const size = stat?.size ?? Infinity;
      const at = uploads.findIndex((upload, i) => i > 0 && upload.size > size);
      // Never ahead of the one under way (index 0): its upload keeps its place.
      uploads.splice(at < 0 ? uploads.length : at, 0, { id, size });
      emit({ type: 'pending' });
      void pumpUploads();
    });
  }

  function offer(id: string): void {
    if (closed || !BLOB_ID.test(id)) return;
    // Peers of this room may fetch it over the lane (and only this room's: BlobStore.servesRoom).
    void store.addToRoom(options.roomId, id).catch(() => undefined);
    if (!relay) return;
    void store.markOffer(options.roomId, id, true).then(() => enqueueUpload(id), () => enqueueUpload(id));
  }

  // Offers a reload interrupted carry on.
  if (relay) void store.pendingOffers(options.roomId).then((ids) => ids.forEach(enqueueUpload), () => undefined);
  const stopReconcile = relay && options.relayConnection
    ? reconcileOnConnect(options.relayConnection, {
        store,
        roomId: options.roomId,
        relayHas: (id) => relay.has(id),
        canWrite: () => options.capToken?.() !== undefined,
        upload: enqueueUpload,
        connected: () => {
          missingDelay = MISSING_RETRY_MS;
          sourcesChanged();
        },
        isClosed: () => closed,
        firstDelayMs: options.reconcileDelayMs ?? 2_000,
      })
    : undefined;

  return {
    async want(id, priority, signal) {
      if (closed) return closedResult();
      if (!BLOB_ID.test(id)) return { ok: false, error: { code: 'E_BLOB_UNAVAILABLE', message: `${JSON.stringify(id)} is not a blob id` } };
      // Its place in line is when it was asked for, not when the store answered `has`.
      const order = seq++;
      if (await store.has(id)) {
        // A note of this room shows it: its peers may fetch it from us too.
        await store.addToRoom(options.roomId, id);
        return { ok: true, value: undefined };
      }
      if (signal?.aborted) return { ok: false, error: { code: 'E_BLOB_NOT_WANTED', message: `blob ${id} is no longer wanted` } };
      const existing = wanted.get(id);
      if (existing) {
        if (RANK[priority] < RANK[existing.priority]) existing.priority = priority;
        follow(existing, signal);
        return existing.promise;
      }
      let resolve!: (result: BlobResult<void>) => void;
      const promise = new Promise<BlobResult<void>>((r) => (resolve = r));
      const entry: Wanted = { id, priority, seq: order, resolve, promise, interest: 0 };
      follow(entry, signal);
      wanted.set(id, entry);
      queue.push(entry);
      emit({ type: 'pending' });
      // Wants made in the same turn are queued together, so a thumbnail asked for just
      // after a photo still goes first.
      queueMicrotask(pumpDownloads);
      return promise;
    },
    offer,
    pending: () => ({ uploads: uploads.length, downloads: wanted.size }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy() {
      if (closed) return;
      closed = true;
      offPeers?.();
      stopReconcile?.();
      clearTimeout(missingTimer);
      exchange?.destroy();
      [...sleepers].forEach((done) => done());
      for (const entry of queue.splice(0)) entry.resolve(closedResult());
      listeners.clear();
    },
  };
}

function closedResult(): BlobResult<void> {
  return { ok: false, error: { code: 'E_BLOB_SYNC_CLOSED', message: 'blob sync was closed' } };
}

/** http(s), no query or credentials: blob ids are appended as path segments. */
function checkBlobsUrl(url: string): string {
  const parsed = new URL(url);
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search || parsed.hash || parsed.username) {
    throw new TypeError(`blobs URL ${JSON.stringify(url)} must be http(s) without query, fragment or credentials`);
  }
  return parsed.toString();
}
