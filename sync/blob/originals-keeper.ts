import type { BlobPriority, BlobSync } from './blob-sync.ts';
import type { CodedError } from '../../crypto/index.ts';
import type { BlobErrorCode, BlobStore } from './blob-store.ts';

/** What the keeper needs of a notebook's blob sync. */
export type KeeperSync = Pick<BlobSync, 'want' | 'pending' | 'onChange'>;

export interface OriginalsKeeperOptions {
  readonly store: Pick<BlobStore, 'has'>;
  /** Every original this device should hold, by notebook id; read again at every pass. */
  readonly originals: () => ReadonlyMap<string, readonly string[]>;
  /**
   * Their thumbnails, fetched before any original and not counted in the progress: a kept
   * original without its thumbnail would leave a blank card once its other holders are gone.
   */
  readonly thumbnails?: () => ReadonlyMap<string, readonly string[]>;
  /** The notebook's blob sync; undefined while it has none (sync off, not started yet). */
  readonly syncFor: (notebookId: string) => KeeperSync | undefined;
  /**
   * Downloads at a time, over all notebooks. Default 1: a blob sync runs two at once, so one
   * slot always stays free for the thumbnail or photo the person is waiting for.
   */
  readonly concurrency?: number;
}

export interface KeeperProgress {
  /** Originals on this device, of `total`. */
  readonly held: number;
  readonly total: number;
  /** Originals that no peer and not the relay has now: asked again when a source comes. */
  readonly unavailable: number;
  readonly paused: boolean;
  /** Why keeping stopped by itself (e.g. E_STORAGE_FULL); cleared by resume(). */
  readonly problem?: CodedError<BlobErrorCode>;
}

export interface OriginalsKeeper {
  progress(): KeeperProgress;
  /** No new download starts (the ones running finish); kept in memory only. */
  pause(): void;
  resume(): void;
  /** The notebooks, their photos or their blob syncs changed: look again. */
  refresh(): void;
  onChange(listener: (progress: KeeperProgress) => void): () => void;
  destroy(): void;
}

/**
 * Downloads, in the background, every original this device does not hold yet, so photos
 * survive the loss of the device that imported them (issue 18 §5). It asks a notebook's blob
 * sync for one only while that sync has nothing else to fetch, so thumbnails and the photo
 * the person opened never wait behind it, and never more than `concurrency` at a time.
 * Nothing is remembered but the blob store itself: after a reload a new keeper finds what
 * is still missing, and an interrupted download resumes at its first missing piece
 * (BlobStore.incoming).
 */
export function createOriginalsKeeper(options: OriginalsKeeperOptions): OriginalsKeeper {
  const concurrency = options.concurrency ?? 1;
  const held = new Set<string>();
  const unavailable = new Map<string, Set<string>>();
  const inFlight = new Map<string, number>();
  const listeners = new Set<(progress: KeeperProgress) => void>();
  const followed = new Map<string, { sync: KeeperSync; off: () => void }>();
  let total = 0;
  let heldCount = 0;
  let paused = false;
  let problem: KeeperProgress['problem'];
  let closed = false;
  let pumping = false;
  let again = false;
  let running = 0;
  const key = (notebookId: string, id: string) => `${notebookId}/${id}`;

  const progress = (): KeeperProgress => {
    let waiting = 0;
    unavailable.forEach((ids) => (waiting += ids.size));
    return { held: heldCount, total, unavailable: waiting, paused, ...(problem ? { problem } : {}) };
  };
  let last = '';
  const emit = () => {
    const now = progress();
    const text = JSON.stringify(now);
    if (text === last) return;
    last = text;
    listeners.forEach((listener) => {
      try {
        listener(now);
      } catch (error) {
        console.error('originals keeper listener failed', error);
      }
    });
  };

  const follow = (notebookId: string) => {
    const sync = options.syncFor(notebookId);
    const current = followed.get(notebookId);
    if (current?.sync === sync) return;
    current?.off();
    followed.delete(notebookId);
    if (!sync) return;
    const off = sync.onChange((event) => {
      // A peer came or went: what was missing everywhere may be there now.
      if (event.type === 'sources') unavailable.delete(notebookId);
      if (event.type !== 'stored') schedule();
    });
    followed.set(notebookId, { sync, off });
  };

  const schedule = () => {
    if (closed) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    void pump().catch((error: unknown) => console.error('originals keeper failed', error)).finally(() => {
      pumping = false;
      if (again) {
        again = false;
        schedule();
      }
    });
  };

  async function pump(): Promise<void> {
    const wanted = options.originals();
    const missing: [string, string, BlobPriority][] = [];
    let count = 0;
    let have = 0;
    const lacking = async (notebookId: string, id: string): Promise<boolean> => {
      const k = key(notebookId, id);
      if (!held.has(k) && (await options.store.has(id))) held.add(k);
      return !held.has(k);
    };
    for (const [notebookId, ids] of options.thumbnails?.() ?? []) {
      for (const id of ids) {
        if (closed) return;
        if (await lacking(notebookId, id)) missing.push([notebookId, id, 'thumb']);
      }
    }
    for (const [notebookId, ids] of wanted) {
      follow(notebookId);
      for (const id of ids) {
        if (closed) return;
        count++;
        if (await lacking(notebookId, id)) missing.push([notebookId, id, 'photo']);
        else have++;
      }
    }
    for (const notebookId of followed.keys()) if (!wanted.has(notebookId)) follow(notebookId);
    total = count;
    heldCount = have;
    emit();
    for (const [notebookId, id, priority] of missing) {
      if (closed || paused || problem || running >= concurrency) break;
      const k = key(notebookId, id);
      if (inFlight.has(k) || unavailable.get(notebookId)?.has(id)) continue;
      const sync = followed.get(notebookId)?.sync;
      if (!sync) continue;
      const ours = [...inFlight.keys()].filter((f) => f.startsWith(`${notebookId}/`)).length;
      // Something else of this notebook is queued (thumbnails, an opened photo): it goes first.
      if (sync.pending().downloads > ours) continue;
      start(notebookId, id, priority, sync);
    }
  }

  function start(notebookId: string, id: string, priority: BlobPriority, sync: KeeperSync): void {
    const k = key(notebookId, id);
    inFlight.set(k, 1);
    running++;
    void sync.want(id, priority).then((result) => {
      if (result.ok) held.add(k);
      else if (result.error.code === 'E_STORAGE_FULL') problem = { code: result.error.code, message: 'This device is out of storage for Obscura: keeping originals stopped.' };
      else if (result.error.code !== 'E_BLOB_SYNC_CLOSED') {
        const ids = unavailable.get(notebookId) ?? new Set<string>();
        ids.add(id);
        unavailable.set(notebookId, ids);
      }
    }, () => undefined).finally(() => {
      inFlight.delete(k);
      running--;
      schedule();
    });
  }

  schedule();
  return {
    progress,
    pause() {
      paused = true;
      emit();
    },
    resume() {
      paused = false;
      problem = undefined;
      unavailable.clear();
      emit();
      schedule();
    },
    refresh: schedule,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy() {
      closed = true;
      followed.forEach((entry) => entry.off());
      followed.clear();
      listeners.clear();
    },
  };
}
