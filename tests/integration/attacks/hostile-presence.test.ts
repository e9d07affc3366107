import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toBase64Url, toHex, randomBytes } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { startVaultSync, type VaultSync } from '../../../sync/vault/vault-sync.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import type { OpenNotebook } from '../../../sync/vault/notebook-registry.ts';
import type { Vault } from '../../../sync/vault/vault.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { nodeWrtc } from '../transport/peer-pair.ts';
import { memoryServices, must, PASS, relayHolds, Ws } from '../vault-sync/vault-sync-harness.ts';

const relay = relayForSuite({ globalWebSocket: true });
const FORGED = 'forged-device-name';

let vault: Vault;
let sync: VaultSync;
let nb: OpenNotebook;
let child: ChildProcessWithoutNullStreams;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  vault = (await createVault(memoryServices(), PASS)).vault;
  sync = startVaultSync(vault, { settings: { signalingUrls: [relay.signalingUrl], relayUrl: relay.relayUrl, iceServers: [] }, deviceName: 'alice-laptop', wrtc: nodeWrtc, WebSocketPolyfill: Ws });
  const id = vault.notebooks.create('Trip');
  nb = must(await vault.notebooks.open(id));
  createNote(nb.doc, { title: 'before' });
  await nb.flush();
  const room = await vault.replicas.notebook(id);
  if (!room) throw new Error('no room');
  await vi.waitFor(() => expect(sync.notebook(id)?.status().relay).toBe('connected'), { timeout: 20_000 });
  // What a removed member or an old invite's holder keeps: the room's id, password and presence key.
  child = spawn(process.execPath, ['--import', 'tsx', new URL('./hostile-presence-peer.ts', import.meta.url).pathname], {
    env: {
      ...process.env,
      OBSCURA_SIGNAL: relay.signalingUrl,
      OBSCURA_ROOM: room.roomId,
      OBSCURA_PASSWORD: room.password,
      OBSCURA_PRESENCE_KEY: toBase64Url(room.presenceKey),
      OBSCURA_CLAIM_ID: toHex(randomBytes(16)),
      OBSCURA_CLAIM_NAME: FORGED,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  await vi.waitFor(() => expect(sync.notebook(id)?.status().peers).toBe(1), { timeout: 30_000 });
  await vi.waitFor(() => expect(lines).toContainEqual({ peers: 1 }), { timeout: 30_000 });
}, 90_000);

afterAll(async () => {
  child?.stdin.end();
  sync?.stop();
  await vault?.lock();
});

/**
 * Issue 18 §2, presence: a peer over WebRTC is anyone who knows the room's password (removed
 * members, every holder of an old invite). What it announces must neither pass for a member
 * nor cut this device off from the relay.
 */
describe('attack: a hostile peer\'s presence (issue 18 §2)', () => {
  it('a presence that opens under the room key but names a device that did not sign it is not shown online', async () => {
    const replication = sync.notebook(nb.id);
    // The peer's state has arrived (it is in the room's awareness) by the time a second passes.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(replication?.onlineDevices().map((d) => d.deviceName)).toEqual(['alice-laptop']);
  });

  it('an oversized presence state from the peer does not get this device cut off from the relay: what it writes next still reaches it', { timeout: 60_000 }, async () => {
    const replication = sync.notebook(nb.id);
    child.stdin.write('oversize\n');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    createNote(nb.doc, { title: 'after' });
    await nb.flush();
    const room = await vault.replicas.notebook(nb.id);
    if (!room) throw new Error('no room');
    await relayHolds(relay.relayUrl, room.roomId, room.box);
    expect(replication?.status().relay).toBe('connected');
  });

  it('junk box updates from the peer are neither kept nor passed on to the relay: the box holds only box maps and the relay connection stays up', { timeout: 60_000 }, async () => {
    const replication = sync.notebook(nb.id);
    const room = await vault.replicas.notebook(nb.id);
    if (!room) throw new Error('no room');
    const relayStates: string[] = [];
    const stop = replication?.onStatus((status) => relayStates.push(status.relay));
    child.stdin.write('junk\n');
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    stop?.();
    expect([...room.box.share.keys()].filter((root) => !['entries', 'snapshots', 'keys', 'revocations', 'epochs', 'memberHeads'].includes(root))).toEqual([]);
    expect(relayStates.filter((s) => s !== 'connected')).toEqual([]);
    createNote(nb.doc, { title: 'after junk' });
    await nb.flush();
    await relayHolds(relay.relayUrl, room.roomId, room.box);
  });
});
