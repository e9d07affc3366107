/**
 * Replicates a whole vault: the vault doc (so a person's devices share the notebook list
 * and keys) and the box of every notebook it lists.
 *
 *   const sync = startVaultSync(vault, { settings, deviceName: 'Ada’s laptop' });
 *   sync.vault().status();                 // { peers, relay, lastSyncAt } of the vault doc
 *   sync.notebook(id)?.onlineDevices();    // sealed presence, for the sync panel
 *   const off = sync.onChange(() => render());  // any status, presence or list change
 *   await vault.sharing.joinByInvite(link);        // needs a running sync
 *   sync.stop();                           // or vault.lock(), which stops it too
 *
 * Every listed notebook replicates, open or not: a box replicates without being decrypted,
 * so a notebook is current when it is opened, and a device that holds a box for others
 * (e.g. the inviter's laptop) serves it without the person opening it. Notebooks that
 * appear in the vault doc later (made or joined on another device) start as they arrive.
 * Throws ReplicationConfigError (stable code, sync/ERRORS.md) for unusable settings.
 */
import { wipe } from '../../crypto/index.ts';
import type { Replication, ReplicationStatus } from '../replication/replicate-box.ts';
import { checkReplicationSettings, type ReplicationSettings } from '../replication/replication-settings.ts';
import type { WrtcImplementation } from '../transport/chunking-wrtc.ts';
import { listNotebooks } from '../vault-doc/vault-doc.ts';
import { replicateWithRetry, type GlareOptions } from './vault-sync-glare.ts';
import type { Vault } from './vault.ts';
import type { BoxReplica } from './vault-replicas.ts';

export interface VaultSyncOptions {
  readonly settings: ReplicationSettings;
  /** Shown to the person's other devices and notebook members, sealed (presence). */
  readonly deviceName: string;
  /** Node: @roamhq/wrtc. The browser's own WebRTC by default. */
  readonly wrtc?: WrtcImplementation;
  /** Node 20 has no global WebSocket: pass `ws`'s for the relay. */
  readonly WebSocketPolyfill?: typeof WebSocket;
  /** y-webrtc glare retry (vault-sync-glare.ts). */
  readonly glare?: GlareOptions;
}

export interface VaultSync {
  /** The vault doc's own room. */
  vault(): Replication;
  /** A listed notebook's replication; undefined while its box is still loading. */
  notebook(id: string): Replication | undefined;
  /** Ids of the notebooks replicating now. */
  notebooks(): string[];
  /** Any status or presence change, or a notebook starting or stopping. Returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Leaves every room; boxes stay loaded and stored. Idempotent. */
  stop(): void;
}

export type { Replication, ReplicationStatus };

export function startVaultSync(vault: Vault, options: VaultSyncOptions): VaultSync {
  const vaultRoom = vault.replicas.vault();
  checkReplicationSettings(options.settings, vaultRoom.roomId, vaultRoom.password);
  const listeners = new Set<() => void>();
  const changed = (): void => listeners.forEach((listener) => listener());
  const self = { deviceId: vault.deviceId, deviceName: options.deviceName };
  const presenceKeys: Uint8Array[] = [];
  const start = (replica: BoxReplica): Replication => {
    presenceKeys.push(replica.presenceKey);
    const replication = replicateWithRetry(
      {
        box: replica.box,
        roomId: replica.roomId,
        password: replica.password,
        settings: options.settings,
        presence: { key: replica.presenceKey, self, signer: replica.presenceSigner, signingKeyOf: replica.signingKeyOf },
        relayWrite: replica.relayWrite,
        ...(options.wrtc ? { wrtc: options.wrtc } : {}),
        ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
      },
      options.glare,
    );
    replication.onStatus(changed);
    replication.onPresence(changed);
    return replication;
  };

  let stopped = false;
  const vaultReplication = start(vaultRoom);
  // After this device removed one: the old vault rooms, where the others find the new key.
  const retiredReplications = vault.replicas.retired().map(start);
  const running = new Map<string, Replication>();
  const loading = new Set<string>();

  const reconcile = (): void => {
    if (stopped) return;
    const listed = new Set(listNotebooks(vault.doc).map((nb) => nb.id));
    for (const [id, replication] of running) {
      if (listed.has(id)) continue;
      running.delete(id);
      replication.destroy();
      changed();
    }
    for (const id of listed) {
      if (running.has(id) || loading.has(id)) continue;
      loading.add(id);
      void vault.replicas.notebook(id).then(
        (replica) => {
          loading.delete(id);
          // Stopped, locked or unlisted while the box loaded: do not join its room.
          if (stopped || !replica || running.has(id) || !listNotebooks(vault.doc).some((nb) => nb.id === id)) return;
          running.set(id, start(replica));
          changed();
        },
        () => loading.delete(id),
      );
    }
  };

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    vault.doc.off('update', reconcile);
    detach();
    for (const replication of running.values()) replication.destroy();
    running.clear();
    vaultReplication.destroy();
    for (const replication of retiredReplications) replication.destroy();
    // Fresh copies made for this sync (decoded from the vault doc or derived): ours to wipe.
    presenceKeys.forEach((key) => wipe(key));
    changed();
    listeners.clear();
  };
  const detach = vault.attachSync({
    stop,
    settled: async (id) => running.get(id)?.relayWriteSettled(),
    delivered: async (id, timeoutMs) => (await running.get(id)?.relayDelivered(timeoutMs)) ?? false,
  });
  vault.doc.on('update', reconcile);
  reconcile();

  return {
    vault: () => vaultReplication,
    notebook: (id) => running.get(id),
    notebooks: () => [...running.keys()],
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop,
  };
}
