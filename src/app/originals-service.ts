import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { createOriginalsKeeper, type KeeperProgress, type OriginalsKeeper } from '../../sync/blob/originals-keeper.ts';
import { copyCounts, photoOriginals, photoThumbnails, writeHoldings, type CopyCounts } from '../../sync/notebook/holdings.ts';
import type { OpenNotebook } from '../../sync/vault/notebook-registry.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { blobSyncFor, onBlobSyncs } from './blob-sync-registry.ts';

export interface OriginalsService {
  /** Progress of keeping originals; undefined while the setting is off or another tab keeps them. */
  readonly progress: Accessor<KeeperProgress | undefined>;
  /** Another tab of this profile is keeping the originals (this one waits to take over). */
  readonly elsewhere: Accessor<boolean>;
  /** Photos of a notebook on only one device (reactive); undefined until it is open here. */
  copies(notebookId: string): CopyCounts | undefined;
  pause(): void;
  resume(): void;
}

/** Holdings are written at most this often per notebook: a record replaces the last one whole. */
const HOLDINGS_EVERY_MS = 1500;
const KEEPER_LOCK = 'obscura-originals-keeper';
/** Between opening one notebook and the next in the background. */
const OPEN_PAUSE_MS = 200;

/**
 * Keeps every notebook of the unlocked vault open for two things (issue 18 §5): the originals
 * keeper (sync/blob/originals-keeper.ts) while `keep()` is true, and this device's holdings
 * record in each notebook (sync/notebook/holdings.ts), written whatever the setting, so the
 * person's other devices can count the photos only one device holds. Create it inside a
 * reactive root; it stops with it.
 */
export function createOriginalsService(vault: Vault, store: BlobStore, keep: Accessor<boolean>, vaultVersion: Accessor<number>): OriginalsService {
  const open = new Map<string, { notebook: OpenNotebook; off: () => void }>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const [tick, setTick] = createSignal(0, { equals: false });
  const [progress, setProgress] = createSignal<KeeperProgress>();
  const [elsewhere, setElsewhere] = createSignal(false);
  let keeper: OriginalsKeeper | undefined;
  let closed = false;
  const opening = new Set<string>();
  let queue: Promise<void> = Promise.resolve();

  const writeSoon = (id: string) => {
    if (closed || timers.has(id)) return;
    timers.set(id, setTimeout(() => {
      timers.delete(id);
      void writeHeld(id).catch((error: unknown) => console.error('holdings record not written', error));
    }, HOLDINGS_EVERY_MS));
  };
  async function writeHeld(id: string): Promise<void> {
    const entry = open.get(id);
    if (!entry || closed) return;
    const { doc, shared } = entry.notebook;
    const originals = photoOriginals(doc);
    const held = (await Promise.all(originals.map(async (blobId) => ((await store.has(blobId)) ? blobId : undefined)))).filter((b): b is string => b !== undefined);
    if (closed || open.get(id) !== entry) return;
    if (writeHoldings(doc, shared.meta.slot(shared.self.deviceId), held)) entry.notebook.sealed.flush();
  }

  // Blobs stored by this page (opened photos, the keeper) change what this device holds.
  const blobOffs: (() => void)[] = [];
  const followBlobs = () => {
    blobOffs.splice(0).forEach((off) => off());
    for (const id of open.keys()) {
      const off = blobSyncFor(id)?.onChange((event) => event.type === 'stored' && writeSoon(id));
      if (off) blobOffs.push(off);
    }
    keeper?.refresh();
  };
  const offRegistry = onBlobSyncs(followBlobs);

  createEffect(() => {
    vaultVersion();
    const listed = vault.notebooks.list();
    // A notebook gone from the vault (purged, removed on another device) is no longer counted.
    for (const [id, entry] of open) {
      if (listed.some((info) => info.id === id)) continue;
      entry.off();
      open.delete(id);
      keeper?.refresh();
    }
    for (const info of listed) {
      if (open.has(info.id) || opening.has(info.id)) continue;
      opening.add(info.id);
      // One notebook at a time, after the one on screen: decrypting every notebook at once
      // would compete with the unlock the person is waiting for.
      queue = queue.then(() => openOne(info.id)).catch(() => undefined).finally(() => opening.delete(info.id));
    }
  });

  async function openOne(id: string): Promise<void> {
    await new Promise((r) => setTimeout(r, OPEN_PAUSE_MS));
    if (closed || open.has(id) || !vault.notebooks.list().some((info) => info.id === id)) return;
    const result = await vault.notebooks.open(id).catch(() => undefined);
    if (closed || !result?.ok || open.has(id)) return;
    const doc = result.value.doc;
    const onUpdate = () => {
      writeSoon(id);
      keeper?.refresh();
      setTick(0);
    };
    doc.on('update', onUpdate);
    open.set(id, { notebook: result.value, off: () => doc.off('update', onUpdate) });
    onUpdate();
    followBlobs();
  }

  createEffect(() => {
    if (!keep()) {
      setProgress(undefined);
      setElsewhere(false);
      return;
    }
    // One keeper per profile: tabs share the blob store, and two would fetch every original
    // twice. The tab holding the Web Lock keeps; the others wait for it (a closed tab lets go).
    let release: (() => void) | undefined;
    let ended = false;
    const held = new Promise<void>((resolve) => (release = resolve));
    const run = () => {
      if (ended || closed) return Promise.resolve();
      setElsewhere(false);
      const kept = createOriginalsKeeper({
        store,
        originals: () => new Map([...open].map(([id, entry]) => [id, photoOriginals(entry.notebook.doc)])),
        thumbnails: () => new Map([...open].map(([id, entry]) => [id, photoThumbnails(entry.notebook.doc)])),
        syncFor: blobSyncFor,
      });
      keeper = kept;
      setProgress(kept.progress());
      const off = kept.onChange((p) => {
        setProgress(p);
        open.forEach((_, id) => writeSoon(id));
      });
      return held.then(() => {
        off();
        kept.destroy();
        if (keeper === kept) keeper = undefined;
      });
    };
    const locks = typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
    if (locks) {
      void locks.query().then((state) => {
        if (!ended && state.held?.some((lock) => lock.name === KEEPER_LOCK) && !keeper) setElsewhere(true);
      }, () => undefined);
      void locks.request(KEEPER_LOCK, run).catch(() => undefined);
    } else void run();
    onCleanup(() => {
      ended = true;
      release?.();
      setProgress(undefined);
    });
  });

  onCleanup(() => {
    closed = true;
    offRegistry();
    blobOffs.splice(0).forEach((off) => off());
    timers.forEach((timer) => clearTimeout(timer));
    open.forEach((entry) => entry.off());
    open.clear();
  });

  return {
    progress,
    elsewhere,
    copies(notebookId) {
      tick();
      const entry = open.get(notebookId);
      if (!entry) return undefined;
      const { doc, shared } = entry.notebook;
      return copyCounts(doc, shared.meta.slot(shared.self.deviceId));
    },
    pause: () => keeper?.pause(),
    resume: () => keeper?.resume(),
  };
}
