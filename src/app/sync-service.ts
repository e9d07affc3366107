import { createEffect, createResource, createSignal, onCleanup, untrack, type Accessor } from 'solid-js';
import type { OnlineDevice, ReplicationStatus } from '../../sync/replication/replicate-box.ts';
import { announcedRelayEngine } from '../../sync/replication/relay-engine-announce.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { startVaultSync, type VaultSync } from '../../sync/vault/vault-sync.ts';
import { blobSyncFor, followVaultSync, onBlobSyncs } from './blob-sync-registry.ts';
import { defaultSyncUrls, replicationSettingsFor, type SyncUrls } from './default-sync-urls.ts';
import { cleanDeviceName, deviceNameFromUserAgent } from './device-name.ts';
import { errorCode, messageFor } from './messages.ts';
import { browserBlobStore } from './services.ts';
import { appSettings, updateSettings } from './settings-store.ts';

export interface SyncService {
  /** The running sync of the unlocked vault; undefined while locked or refused. */
  readonly running: Accessor<VaultSync | undefined>;
  /** Why sync is not running (settings refused), in the person's words. */
  readonly error: Accessor<string | undefined>;
  readonly urls: Accessor<SyncUrls>;
  readonly deviceName: Accessor<string>;
  /**
   * Renames this device, sealed in its settings (never in clear browser storage); the others
   * see the new name from the next unlock (see below). An empty name means the default again.
   */
  setDeviceName(name: string): Promise<void>;
  /** The notebook's replication status (reactive); undefined while its box loads or sync is off. */
  status(notebookId: string): ReplicationStatus | undefined;
  /** The vault doc's own room: the person's other devices. */
  vaultStatus(): ReplicationStatus | undefined;
  /** Devices in the notebook's room whose sealed presence opens here, this one first (reactive). */
  onlineDevices(notebookId: string): OnlineDevice[];
  /** Encrypted photo files still to send or receive for the notebook (reactive); undefined without blob sync. */
  transfers(notebookId: string): { uploads: number; downloads: number } | undefined;
  /**
   * Stops sync, runs `work`, then starts it again for the same vault (e.g. a vault-key
   * rotation, after which the vault doc meets its devices in another room).
   */
  whileStopped<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Runs startVaultSync for as long as a vault is unlocked and turns its events into one
 * reactive tick for the UI. `urls` are the Settings screen's servers when set, else the
 * page origin's own (default-sync-urls.ts). Must be created inside a reactive root.
 */
export function createSyncService(vault: Accessor<Vault | undefined>, urls: Accessor<SyncUrls> = () => defaultSyncUrls()): SyncService {
  const deviceName = () => appSettings().deviceName ?? deviceNameFromUserAgent();
  const [running, setRunning] = createSignal<VaultSync>();
  const [error, setError] = createSignal<string>();
  const [tick, setTick] = createSignal(0, { equals: false });
  const [paused, setPaused] = createSignal(0);
  // Which engine serves the relay URL: replication speaks Hocuspocus and refuses a relay that announces another (RELAY.md "The engine").
  const [relayEngine] = createResource(() => urls().relayUrl, (relayUrl) => announcedRelayEngine(relayUrl));

  createEffect(() => {
    const current = vault();
    // Note: the name is read once per unlock, not followed. Restarting replication on the same
    // box doc would announce presence from the same awareness client id with its clock back at
    // 0, which peers ignore as stale until it passes the old clock (y-protocols awareness).
    const name = untrack(deviceName);
    const engine = relayEngine();
    const settings = { ...replicationSettingsFor(urls()), ...(engine ? { relayEngine: engine } : {}) };
    if (!current || current.locked || paused() > 0 || relayEngine.loading) return;
    let sync: VaultSync;
    try {
      sync = startVaultSync(current, { settings, deviceName: name });
    } catch (e) {
      setError(messageFor(errorCode(e), e instanceof Error ? e.message : undefined));
      return;
    }
    setError(undefined);
    const off = sync.onChange(() => setTick(0));
    // One blob sync per replicating notebook (blob-sync-registry.ts), so photos follow the notes.
    const unfollow = followVaultSync(sync, browserBlobStore(), urls().blobsUrl);
    // The drawer's transfer count follows each blob sync's own events too.
    const blobOffs: (() => void)[] = [];
    const followBlobs = () => {
      blobOffs.splice(0).forEach((offBlob) => offBlob());
      for (const id of sync.notebooks()) {
        const blob = blobSyncFor(id);
        if (blob) blobOffs.push(blob.onChange(() => setTick(0)));
      }
      setTick(0);
    };
    const offBlobList = onBlobSyncs(followBlobs);
    followBlobs();
    const offBlobs = () => {
      offBlobList();
      blobOffs.splice(0).forEach((offBlob) => offBlob());
    };
    setRunning(sync);
    onCleanup(() => {
      off();
      offBlobs();
      unfollow();
      setRunning(undefined);
      // vault.lock() stops it too; stop() is idempotent.
      sync.stop();
    });
  });

  const notebook = (id: string) => (tick(), running()?.notebook(id));
  return {
    running,
    error,
    urls,
    deviceName,
    async setDeviceName(next) {
      const current = vault();
      if (!current || current.locked) throw new Error('the vault is locked');
      // An empty name is stored as none (undefined is not written), which shows the platform's.
      await updateSettings(current, { deviceName: cleanDeviceName(next) || undefined });
      // The person's other devices list it by this name (vault doc), offline or not.
      current.devices.setName(next);
    },
    status: (id) => notebook(id)?.status(),
    vaultStatus: () => (tick(), running()?.vault().status()),
    onlineDevices: (id) => notebook(id)?.onlineDevices() ?? [],
    transfers: (id) => (tick(), blobSyncFor(id)?.pending()),
    async whileStopped(work) {
      // The effect's cleanup stops the running sync as soon as this is set.
      setPaused((n) => n + 1);
      try {
        return await work();
      } finally {
        setPaused((n) => n - 1);
      }
    },
  };
}
