import { spawn } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { createNote, readNote, setNoteText } from '../../../sync/notebook/notes.ts';
import { startVaultSync } from '../../../sync/vault/vault-sync.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { nodeWrtc } from '../transport/peer-pair.ts';
import { jsonLines } from '../../helpers/json-lines.ts';
import { memoryServices, must, PASS, until, Ws } from './vault-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const ORIGIN = 'https://obscura.example';
const NOTEBOOK_NAME = 'osprey-canary-notebook';
const BOB_DEVICE = 'bittern-canary-phone';
const frames: Uint8Array[] = [];
const relay = relayForSuite({ observeFrames: (_server, frame) => void frames.push(frame), globalWebSocket: true });

describe('vault sync peer to peer', () => {
  it('B (another person, own process) joins by link while A is online; both edit one note at once and converge over WebRTC alone; no name reaches the signaling server', async () => {
    const { vault } = await createVault(memoryServices(), PASS);
    const sync = startVaultSync(vault, {
      // No relay: everything below, the join included, goes peer to peer.
      settings: { signalingUrls: [relay.signalingUrl], iceServers: [] },
      deviceName: 'alice-laptop',
      wrtc: nodeWrtc,
      WebSocketPolyfill: Ws,
    });
    const id = vault.notebooks.create(NOTEBOOK_NAME);
    const nb = must(await vault.notebooks.open(id));
    const noteId = createNote(nb.doc, { title: 'shared', body: '|middle|' });
    await nb.flush();
    const { link } = must(await vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [relay.signalingUrl], relayUrls: [] }));
    // Announced first, so the child joins an announced room (PROTOCOL.md "Known y-webrtc weakness").
    await vi.waitFor(() => expect(relay.signaling.connectionCount).toBeGreaterThan(0));

    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./vault-device.ts', import.meta.url).pathname], {
      env: { ...process.env, OBSCURA_LINK: link, OBSCURA_SIGNAL: relay.signalingUrl, OBSCURA_NOTE_ID: noteId, OBSCURA_DEVICE_NAME: BOB_DEVICE },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = jsonLines(child);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const joined = await out.next();
      expect(joined).toMatchObject({ joined: true });
      const replication = sync.notebook(id);
      await vi.waitFor(() => expect(replication?.status().peers).toBe(1), { timeout: 30_000 });
      await vi.waitFor(() => expect(replication?.onlineDevices().map((d) => d.deviceName).sort()).toEqual(['alice-laptop', BOB_DEVICE]), { timeout: 30_000 });

      // Both edit the same body at once: A at the start, B at the end.
      child.stdin.write('append B-end\nwait A-start\n');
      setNoteText(nb.doc, noteId, 'body', `A-start${readNote(nb.doc, noteId)?.body ?? ''}`);
      await nb.flush();
      const report = await out.next();
      await until(nb.doc, () => (readNote(nb.doc, noteId)?.body ?? '').includes('B-end'), 30_000, 'B-end on A');
      const body = readNote(nb.doc, noteId)?.body;
      expect(body).toBe('A-start|middle|B-end');
      expect(report).toMatchObject({ body, peers: 1, quarantined: 0 });
      expect(nb.sealed.quarantine.size).toBe(0);
      const members = must(await vault.sharing.members(id));
      expect(members.find((m) => m.deviceId === joined.deviceId)).toMatchObject({ role: 'member', ownDevice: false });

      child.stdin.end();
      expect(await exited).toBe(0);
      await vi.waitFor(() => expect(replication?.status().peers).toBe(0), { timeout: 15_000 });
      const sent = Buffer.concat(frames);
      for (const marker of [NOTEBOOK_NAME, BOB_DEVICE, 'alice-laptop', 'middle', id]) expect({ marker, found: sent.includes(marker) }).toEqual({ marker, found: false });
    } catch (error) {
      throw new Error(`${String(error)}\nchild stderr: ${out.stderr()}`);
    } finally {
      child.kill();
      await vault.lock();
    }
  }, 90_000);
});
