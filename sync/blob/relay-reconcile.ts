import type { BlobStore } from './blob-store.ts';

export type RelayLink = 'connecting' | 'connected' | 'offline';

/** What the blob sync needs of its notebook's relay connection; a Replication (replicate-box.ts) is one. */
export interface RelayConnection {
  status(): { readonly relay: RelayLink };
  onStatus(listener: (status: { readonly relay: RelayLink }) => void): () => void;
  /** Resolves once the relay holds the room's write policy (put back at a reconnect if the relay lost it). */
  relayWriteSettled?(): Promise<void>;
}

export interface RelayReconcileOptions {
  readonly store: BlobStore;
  readonly roomId: string;
  /** HEAD of one blob on the relay: true it has it whole, false it lacks it, undefined the relay did not answer. */
  readonly relayHas: (id: string) => Promise<boolean | undefined>;
  /** Whether this device may upload to the room now (holds its write token). */
  readonly canWrite: () => boolean;
  /** Queues blob `id` for upload (blob-sync's upload queue, which resumes and retries). */
  readonly upload: (id: string) => void;
  /** The connection (re)opened: blobs the relay lacked before may be there now. */
  readonly connected: () => void;
  readonly isClosed: () => boolean;
  /** Wait before the first check of a run (the app's first minutes belong to thumbnails). */
  readonly firstDelayMs?: number;
}

/** HEADs in flight at once during a check. */
export const RECONCILE_CONCURRENCY = 4;
/** A connection that lasted this long was no flap: the next check runs without backoff. */
const STABLE_MS = 60_000;
const FLAP_DELAY_MS = 2_000;
const MAX_DELAY_MS = 5 * 60_000;

/**
 * Puts back on the relay what it lacks of this room's blobs. Notes come back on their own
 * (a reconnect resends the box), blobs did not: they were uploaded once, so a relay that
 * lost its data (restarted empty, restored from an old backup) never got a photo back and
 * devices that sync only through it never saw one (issue 18 §5).
 * So each time the relay connection opens, this device asks the relay (one HEAD per blob,
 * four at a time) about every blob of the room it holds and queues the missing ones for
 * upload, smallest (thumbnails) first; an upload resumes a partial one the relay kept. Bounded: one check per connection,
 * and nothing is sent again that the relay confirms; after a connection that lasted under a
 * minute the check waits 2 s, doubling to 5 min while the relay keeps flapping; a check stops
 * when its connection closes; a device without the room's write token checks nothing.
 * Returns the stop function.
 */
export function reconcileOnConnect(connection: RelayConnection, options: RelayReconcileOptions): () => void {
  let link = connection.status().relay;
  let generation = 0;
  let connectedAt: number | undefined;
  let flaps = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const check = async (run: number): Promise<void> => {
    await connection.relayWriteSettled?.();
    const live = () => run === generation && !options.isClosed();
    if (!live() || !options.canWrite()) return;
    const ids = await options.store.roomBlobs(options.roomId);
    const missing: { id: string; size: number }[] = [];
    let next = 0;
    const worker = async () => {
      while (live() && next < ids.length) {
        const id = ids[next++]!;
        const has = await options.relayHas(id);
        if (has === undefined) return; // The relay went away: the next connection checks again.
        if (!has) missing.push({ id, size: (await options.store.stat(id))?.size ?? Infinity });
      }
    };
    await Promise.all(Array.from({ length: RECONCILE_CONCURRENCY }, worker));
    // Smallest first: thumbnails are what a device that catches up shows first.
    if (live()) missing.sort((a, b) => a.size - b.size).forEach(({ id }) => options.upload(id));
  };

  const onStatus = (next: RelayLink) => {
    if (next === link) return;
    const was = link;
    link = next;
    if (was === 'connected') {
      // A connection that closed within a minute counts as a flap: the next check waits longer.
      flaps = connectedAt !== undefined && Date.now() - connectedAt < STABLE_MS ? flaps + 1 : 0;
      connectedAt = undefined;
      generation++;
      clearTimeout(timer);
      return;
    }
    if (next !== 'connected') return;
    connectedAt = Date.now();
    const run = ++generation;
    options.connected();
    const delay = flaps === 0 ? options.firstDelayMs ?? 0 : Math.min(FLAP_DELAY_MS * 2 ** (flaps - 1), MAX_DELAY_MS);
    timer = setTimeout(() => void check(run).catch((error: unknown) => console.warn(`blob check against the relay failed: ${String(error)}`)), delay);
  };

  const off = connection.onStatus((status) => onStatus(status.relay));
  if (link === 'connected') {
    link = 'connecting';
    onStatus('connected');
  }
  return () => {
    off();
    generation++;
    clearTimeout(timer);
  };
}
