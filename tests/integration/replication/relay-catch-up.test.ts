import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { generateSigningKeyPair, newKeyId, randomNotebookKey, sodiumReady, toBase64Url, type NotebookKey } from '../../../crypto/index.ts';
import { createNote, readNotes, setNoteText } from '../../../sync/notebook/notes.ts';
import { replicateBox, type Replication } from '../../../sync/replication/replicate-box.ts';
import { createKeyring, type Keyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { keylessRoomClient } from '../relay/keyless-room-client.ts';
import { filesContaining, tempDataDir, until } from '../relay/relay-harness.ts';
import { presenceKey } from '../../../sync/replication/presence-seal.ts';
import { testPresence } from '../../helpers/test-presence.ts';
import { keyedRelayWrite } from '../../helpers/relay-writer.ts';

const MARKER = 'narwhal-canary-5e1d';
const DEVICE_NAME = 'pelican-laptop-canary';
const NOTES = 25;
const Ws = WebSocket as unknown as typeof globalThis.WebSocket;

let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;
let notebookKey: NotebookKey;
let keyId: string;
let keyring: Keyring;
const frames: Uint8Array[] = [];

beforeAll(async () => {
  await sodiumReady();
  data = tempDataDir();
  relay = await startRelayServer({ dataDir: data.dir, port: 0, observeFrames: (_server, frame) => void frames.push(frame) });
  notebookKey = randomNotebookKey();
  keyId = newKeyId();
  keyring = createKeyring(new Map([[keyId, notebookKey]]), keyId);
});

afterAll(async () => {
  await relay.close();
  data.remove();
});

/** A device as the app runs one: a sealed notebook whose box replicates through the relay. */
function device(notebookId: string, name = 'device') {
  const plain = new Y.Doc();
  const box = new Y.Doc();
  const sealed = new SealedDoc({ docId: notebookId, plain, box, keyring, writer: newWriter(generateSigningKeyPair()) });
  const replication = replicateBox({
    box,
    roomId: deriveRoomId(notebookKey, notebookId),
    password: deriveRoomPassword(notebookKey, notebookId),
    settings: { signalingUrls: [], relayUrl: relay.relayUrl, iceServers: [] },
    // A socket per device, as on separate machines (the client shares one per WebSocket class and relay).
    WebSocketPolyfill: class extends Ws {},
    presence: testPresence(presenceKey(notebookKey, deriveRoomId(notebookKey, notebookId)), `${name}-id`, name),
    relayWrite: keyedRelayWrite(notebookKey, deriveRoomId(notebookKey, notebookId)),
  });
  return { plain, box, sealed, replication, destroy: () => (replication.destroy(), sealed.destroy()) };
}

/** Resolves once the relay holds everything in `box`: a keyless observer has the same state. */
async function relayHolds(notebookId: string, box: Y.Doc): Promise<void> {
  const mirror = new Y.Doc();
  const reader = keylessRoomClient(relay.relayUrl, deriveRoomId(notebookKey, notebookId), mirror);
  const target = Buffer.from(Y.encodeStateVector(box));
  await until(mirror, () => Buffer.from(Y.encodeStateVector(mirror)).equals(target));
  reader.destroy();
}

/** Runs late-device.ts in a new Node process and returns what it printed. */
function lateDevice(notebookId: string, count: number): Promise<{ notes: { title: string; body: string }[]; quarantined: number; relay: string; lastSyncAt?: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./late-device.ts', import.meta.url).pathname], {
    env: { ...process.env, OBSCURA_KEY: toBase64Url(notebookKey), OBSCURA_KEY_ID: keyId, OBSCURA_NOTEBOOK: notebookId, OBSCURA_RELAY: relay.relayUrl, OBSCURA_EXPECT: String(count) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}')) : reject(new Error(`late device exited ${code}: ${err}`))));
  });
}

describe('replicateBox through the real relay', () => {
  it('device A writes and leaves; device B, a new process, catches up from the relay alone; no plaintext on the wire or disk', async () => {
    const a = device('nb-catch-up', DEVICE_NAME);
    const ids = Array.from({ length: NOTES }, (_, i) => createNote(a.plain, { title: `${MARKER} title ${i}`, body: `${MARKER} body ${i}` }));
    a.sealed.flush();
    setNoteText(a.plain, ids[0] as string, 'body', `${MARKER} edited`);
    a.sealed.flush();
    await relayHolds('nb-catch-up', a.box);
    a.destroy();
    // Nobody is in the room now: B's catch-up can only come from the relay's LevelDB.
    await vi.waitFor(() => expect(relay.relay.loadedRooms).toBe(0));

    const b = await lateDevice('nb-catch-up', NOTES);
    expect(b.notes.map((note) => note.title).sort()).toEqual(readNotes(a.plain).map((note) => note.title).sort());
    expect(b.notes.find((note) => note.title === `${MARKER} title 0`)?.body).toBe(`${MARKER} edited`);
    expect(b.quarantined).toBe(0);
    expect(b.relay).toBe('connected');

    const sent = Buffer.concat(frames);
    expect(sent.length).toBeGreaterThan(NOTES * 50);
    for (const marker of [MARKER, DEVICE_NAME]) {
      expect({ marker, inFrames: sent.includes(marker), inFiles: filesContaining(data.dir, marker) }).toEqual({ marker, inFrames: false, inFiles: [] });
    }
  });

  it('presence: each device lists the other by name, decoded locally from sealed awareness', async () => {
    const a = device('nb-presence', 'phone');
    const b = device('nb-presence', 'laptop');
    const listed = (r: Replication) => r.onlineDevices().map((d) => `${d.deviceName}${d.self ? '*' : ''}`);
    await vi.waitFor(() => expect(listed(a.replication)).toEqual(['phone*', 'laptop']), { timeout: 5_000 });
    await vi.waitFor(() => expect(listed(b.replication)).toEqual(['laptop*', 'phone']), { timeout: 5_000 });
    b.destroy();
    // Leaving clears the awareness state at once; no 30 s timeout.
    await vi.waitFor(() => expect(listed(a.replication)).toEqual(['phone*']), { timeout: 5_000 });
    a.destroy();
    expect(Buffer.concat(frames).includes('laptop')).toBe(false);
  });

  it('status: connecting, connected, lastSyncAt; offline when the relay stops; connected again after it restarts', async () => {
    const a = device('nb-status');
    const seen: string[] = [a.replication.status().relay];
    a.replication.onStatus((status) => {
      if (seen.at(-1) !== status.relay) seen.push(status.relay);
    });
    await vi.waitFor(() => expect(a.replication.status().lastSyncAt).toBeGreaterThan(0), { timeout: 5_000 });
    expect(a.replication.status()).toMatchObject({ relay: 'connected', peers: 0 });

    const port = Number(new URL(relay.url).port);
    await relay.close();
    await vi.waitFor(() => expect(a.replication.status().relay).toBe('offline'), { timeout: 5_000 });
    relay = await startRelayServer({ dataDir: data.dir, port, observeFrames: (_server, frame) => void frames.push(frame) });
    // The provider's backoff after one failed retry is at most a few seconds.
    await vi.waitFor(() => expect(a.replication.status().relay).toBe('connected'), { timeout: 15_000 });
    expect(seen).toEqual(['connecting', 'connected', 'offline', 'connected']);
    a.destroy();
  });
});
