import * as Y from 'yjs';
import { readNotes } from '../../../sync/notebook/notes.ts';
import type { ReplicationSettings } from '../../../sync/replication/replication-settings.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { keylessRoomClient } from '../relay/keyless-room-client.ts';
import { MemoryBoxPersistence } from '../../../sync/storage/memory-box-persistence.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import { beginDeviceLink, linkDevice } from '../../../sync/vault/link-device.ts';
import { startVaultSync, type VaultSync } from '../../../sync/vault/vault-sync.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import type { OpenNotebook } from '../../../sync/vault/notebook-registry.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { Vault } from '../../../sync/vault/vault.ts';
import type { VaultServices } from '../../../sync/vault/vault-services.ts';

/** Cheap Argon2id: these tests are about sync, not key stretching. */
export const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
export const PASS = 'correct horse battery';
export const Ws = WebSocket as unknown as typeof globalThis.WebSocket;

/** One device's disk: real in-memory stores that survive a lock and unlock. */
export function memoryServices(): VaultServices {
  return { storage: new MemoryStorageAdapter(), boxes: new MemoryBoxPersistence(), pwhash: FAST };
}

/**
 * Relay only. Note: two y-webrtc providers for one room cannot live in one process
 * (ARCHITECTURE §4), so devices that share this process meet through the relay; the
 * peer-to-peer tests run the other device in a child process (vault-device.ts).
 */
export function relayOnly(relayUrl: string): ReplicationSettings {
  return { signalingUrls: [], relayUrl, iceServers: [] };
}

export interface Device {
  readonly services: VaultServices;
  readonly vault: Vault;
  readonly sync: VaultSync;
  /** Stops sync and locks. */
  close(): Promise<void>;
}

export async function startDevice(vault: Vault, services: VaultServices, settings: ReplicationSettings, deviceName: string): Promise<Device> {
  // A WebSocket class of its own: the Hocuspocus client shares one socket per class and relay,
  // and two devices in one process must not share theirs.
  const sync = startVaultSync(vault, { settings, deviceName, WebSocketPolyfill: class extends Ws {} });
  return { services, vault, sync, close: () => vault.lock() };
}

/** `box` holds at least everything `source` holds. */
export function boxContains(box: Y.Doc, source: Y.Doc): boolean {
  const have = Y.decodeStateVector(Y.encodeStateVector(box));
  return [...Y.decodeStateVector(Y.encodeStateVector(source))].every(([client, clock]) => (have.get(client) ?? 0) >= clock);
}

/** A new device linked from `from` (its passphrase `${name} pass`), syncing through the relay. */
export async function linkNewDevice(from: Device, relayUrl: string, name: string, origin = 'https://obscura.example'): Promise<Device> {
  const services = memoryServices();
  const request = beginDeviceLink(origin);
  const linked = must(await linkDevice(services, { responseLink: must(from.vault.devices.answerLink(request.link, origin)).link, pending: request.pending, passphrase: `${name} pass` }));
  // Named in the vault doc, as the app does: the person's other devices say which one did what.
  linked.vault.devices.setName(name);
  return startDevice(linked.vault, services, relayOnly(relayUrl), name);
}

export async function newDevice(relayUrl: string, name: string): Promise<Device> {
  const services = memoryServices();
  const { vault } = await createVault(services, PASS);
  vault.devices.setName(name);
  return startDevice(vault, services, relayOnly(relayUrl), name);
}

/**
 * The same device after a restart: unlock its stores again and start syncing. `keep`: the
 * device the person keeps when the unlock asks (a handover waits: E_HANDOVER_CHOICE).
 */
export async function reopenDevice(services: VaultServices, relayUrl: string, name: string, passphrase = PASS, keep?: string): Promise<Device> {
  const unlocked = await unlockVault(services, keep === undefined ? { passphrase } : { passphrase, keep });
  if (!unlocked.ok) throw new Error(unlocked.error.message);
  return startDevice(unlocked.value, services, relayOnly(relayUrl), name);
}

export function must<T>(result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

export async function open(device: Device, notebookId: string): Promise<OpenNotebook> {
  return must(await device.vault.notebooks.open(notebookId));
}

export const titles = (doc: Y.Doc): string[] => readNotes(doc).map((note) => note.title).sort();

/** Resolves when `check` holds, re-checking after every transaction on `doc` (no polling). */
export function until(doc: Y.Doc, check: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      doc.off('afterTransaction', onChange);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const onChange = () => {
      if (!check()) return;
      clearTimeout(timer);
      doc.off('afterTransaction', onChange);
      resolve();
    };
    doc.on('afterTransaction', onChange);
  });
}

/** What the relay holds of a room now: a keyless observer's first sync with it, then it leaves. */
export async function relayCopy(relayUrl: string, roomId: string): Promise<Y.Doc> {
  const mirror = new Y.Doc();
  const connection = keylessRoomClient(relayUrl, roomId, mirror);
  try {
    await connection.whenSynced();
  } finally {
    connection.destroy();
  }
  return mirror;
}

/** Resolves once the relay holds everything in `box`: a keyless observer of the room has all of it. */
export async function relayHolds(relayUrl: string, roomId: string, box: Y.Doc): Promise<void> {
  const mirror = new Y.Doc();
  const connection = keylessRoomClient(relayUrl, roomId, mirror);
  const target = Y.decodeStateVector(Y.encodeStateVector(box));
  // Other devices may have put more there: the relay holds the box once it has all of it.
  const holds = (): boolean => {
    const have = Y.decodeStateVector(Y.encodeStateVector(mirror));
    return [...target].every(([client, clock]) => (have.get(client) ?? 0) >= clock);
  };
  try {
    await until(mirror, holds, 20_000, 'relay to hold the box');
  } finally {
    connection.destroy();
  }
}
